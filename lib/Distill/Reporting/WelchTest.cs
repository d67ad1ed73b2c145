namespace Distill.Reporting;

/// <summary>
/// Welch's unequal-variance t-test of two samples' means (Welch 1947), two-sided: what a table of mean ± std over a
/// few seeds needs to say whether a row differs from another beyond seed noise. With 3 seeds a side the test has little
/// power: a gain of one standard deviation is not significant, so "not significant" means "not shown", not "no effect".
/// </summary>
public sealed record WelchTest(double MeanDifference, double T, double DegreesOfFreedom, double P)
{
    /// <summary>The test of mean(a) - mean(b); needs at least two values on each side and some spread.</summary>
    public static WelchTest Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count < 2 || b.Count < 2)
            throw new ArgumentException($"Welch's test needs at least two values per sample, got {a.Count} and {b.Count}.");
        double ma = a.Average(), mb = b.Average();
        double va = a.Sum(x => (x - ma) * (x - ma)) / (a.Count - 1), vb = b.Sum(x => (x - mb) * (x - mb)) / (b.Count - 1);
        double sa = va / a.Count, sb = vb / b.Count, se2 = sa + sb;
        if (se2 == 0)
            return new WelchTest(ma - mb, ma == mb ? 0 : double.PositiveInfinity * Math.Sign(ma - mb), a.Count + b.Count - 2, ma == mb ? 1 : 0);
        double t = (ma - mb) / Math.Sqrt(se2);
        double df = se2 * se2 / (sa * sa / (a.Count - 1) + sb * sb / (b.Count - 1));
        return new WelchTest(ma - mb, t, df, TwoSidedP(t, df));
    }

    /// <summary>P(|T| >= |t|) for Student's t with <paramref name="df"/> degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2).</summary>
    public static double TwoSidedP(double t, double df) =>
        double.IsInfinity(t) ? 0 : RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), using the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where
    /// the fraction converges faster; accurate to ~1e-12 for the arguments a t-test gives.</summary>
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(a, b, x) / a
            : 1 - front * ContinuedFraction(b, a, 1 - x) / b;
    }

    static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300, epsilon = 1e-15;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            for (int half = 0; half < 2; half++)
            {
                double numerator = half == 0
                    ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                    : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
                d = 1 + numerator * d;
                d = 1 / (Math.Abs(d) < tiny ? tiny : d);
                c = 1 + numerator / c;
                if (Math.Abs(c) < tiny) c = tiny;
                double step = c * d;
                h *= step;
                if (half == 1 && Math.Abs(step - 1) < epsilon) return h;
            }
        }
        return h;
    }

    /// <summary>ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++) sum += g[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
