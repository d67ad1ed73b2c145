namespace DataPrep.Video;

/// <summary>
/// Draws one clip of the generated action set as RGB24 frames: a tinted Fashion-MNIST sprite moving over a static
/// textured background. Everything random (texture, tint, sprite image, start, speed) comes from the clip's own
/// seeded generator, so a clip is the same on every machine; only the class fixes the category and the motion.
/// </summary>
public sealed class ActionClipRenderer
{
    readonly int width, height, frames;
    readonly byte[] background;
    readonly float[] sprite = new float[FashionSprites.Side * FashionSprites.Side];
    readonly (float R, float G, float B) tint;
    readonly float x0, y0, dx, dy, scale0, scaleRate, angle0, angleRate;

    public ActionClipRenderer(ActionClass action, FashionSprites sprites, int width, int height, int frames, Random random)
    {
        (this.width, this.height, this.frames) = (width, height, frames);
        background = Texture(width, height, random);
        var image = sprites.Image(action.Category, random.Next(sprites.Count(action.Category)));
        for (var i = 0; i < sprite.Length; i++) sprite[i] = image[i] / 255f;
        tint = (0.55f + 0.45f * random.NextSingle(), 0.55f + 0.45f * random.NextSingle(), 0.55f + 0.45f * random.NextSingle());

        var side = Math.Min(width, height);
        var speed = action.Fast ? 2f : 1f;
        scale0 = side * (0.32f + 0.08f * random.NextSingle()) / FashionSprites.Side;
        var travel = speed * side * (0.35f + 0.15f * random.NextSingle()) / Math.Max(1, frames - 1);   // pixels per frame
        var zoom = MathF.Pow(1.8f + 0.4f * random.NextSingle(), speed / Math.Max(1, frames - 1));     // scale factor per frame
        var turn = speed * MathF.PI * (0.5f + 0.35f * random.NextSingle()) / Math.Max(1, frames - 1);  // radians per frame
        (dx, dy, scaleRate, angleRate) = action.Motion switch
        {
            SpriteMotion.MovesRight => (travel, 0f, 1f, 0f),
            SpriteMotion.MovesLeft => (-travel, 0f, 1f, 0f),
            SpriteMotion.MovesDown => (0f, travel, 1f, 0f),
            SpriteMotion.MovesUp => (0f, -travel, 1f, 0f),
            SpriteMotion.ZoomsIn => (0f, 0f, zoom, 0f),
            SpriteMotion.ZoomsOut => (0f, 0f, 1f / zoom, 0f),
            SpriteMotion.TurnsClockwise => (0f, 0f, 1f, turn),
            _ => (0f, 0f, 1f, -turn),
        };
        if (action.Motion == SpriteMotion.ZoomsOut) scale0 *= MathF.Pow(zoom, frames - 1) * 0.75f;
        if (action.Motion == SpriteMotion.ZoomsIn) scale0 *= 0.75f;
        var jitter = side * 0.08f;
        x0 = width / 2f - dx * (frames - 1) / 2f + jitter * (2 * random.NextSingle() - 1);
        y0 = height / 2f - dy * (frames - 1) / 2f + jitter * (2 * random.NextSingle() - 1);
        angle0 = 0.35f * (2 * random.NextSingle() - 1);
    }

    /// <summary>Frame <paramref name="t"/> (0-based) into <paramref name="rgb"/> (width * height * 3 bytes).</summary>
    public void Render(int t, Span<byte> rgb)
    {
        background.CopyTo(rgb);
        float cx = x0 + dx * t, cy = y0 + dy * t, s = scale0 * MathF.Pow(scaleRate, t), a = angle0 + angleRate * t;
        float cos = MathF.Cos(a), sin = MathF.Sin(a), half = FashionSprites.Side / 2f;
        var reach = half * s * MathF.Sqrt(2);
        int xMin = Math.Max(0, (int)(cx - reach)), xMax = Math.Min(width - 1, (int)(cx + reach) + 1);
        int yMin = Math.Max(0, (int)(cy - reach)), yMax = Math.Min(height - 1, (int)(cy + reach) + 1);
        for (var y = yMin; y <= yMax; y++)
        for (var x = xMin; x <= xMax; x++)
        {
            // Screen = centre + s * R(a) * (sprite - half); invert it to sample the sprite (y points down, a > 0 turns clockwise).
            float px = x + 0.5f - cx, py = y + 0.5f - cy;
            var alpha = Sample((cos * px + sin * py) / s + half - 0.5f, (-sin * px + cos * py) / s + half - 0.5f);
            if (alpha <= 0f) continue;
            var o = (y * width + x) * 3;
            rgb[o] = Blend(rgb[o], tint.R, alpha);
            rgb[o + 1] = Blend(rgb[o + 1], tint.G, alpha);
            rgb[o + 2] = Blend(rgb[o + 2], tint.B, alpha);
        }
    }

    public int Frames => frames;

    /// <summary>The static background every frame starts from (RGB24).</summary>
    internal ReadOnlySpan<byte> Background => background;

    static byte Blend(byte under, float colour, float alpha) =>
        (byte)Math.Clamp(MathF.Round(under * (1 - alpha) + 255f * colour * alpha), 0, 255);

    /// <summary>Bilinear sample of the sprite at sprite-pixel coordinates (u, v); 0 outside.</summary>
    float Sample(float u, float v)
    {
        int iu = (int)MathF.Floor(u), iv = (int)MathF.Floor(v);
        float fu = u - iu, fv = v - iv;
        return (1 - fu) * (1 - fv) * At(iu, iv) + fu * (1 - fv) * At(iu + 1, iv)
             + (1 - fu) * fv * At(iu, iv + 1) + fu * fv * At(iu + 1, iv + 1);
    }

    float At(int u, int v) =>
        (uint)u < FashionSprites.Side && (uint)v < FashionSprites.Side ? sprite[v * FashionSprites.Side + u] : 0f;

    /// <summary>A darkish static texture: a random base colour, three random sinusoidal gratings and fine noise,
    /// so the I-frame has clutter to ignore and motion estimation has texture to lock onto.</summary>
    static byte[] Texture(int width, int height, Random random)
    {
        var gratings = Enumerable.Range(0, 3).Select(_ => (
            Angle: MathF.PI * random.NextSingle(), Period: 6f + 20f * random.NextSingle(), Phase: MathF.Tau * random.NextSingle(),
            Colour: (R: random.NextSingle(), G: random.NextSingle(), B: random.NextSingle()))).ToArray();
        var baseColour = (R: 40 + 60 * random.NextSingle(), G: 40 + 60 * random.NextSingle(), B: 40 + 60 * random.NextSingle());
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            float r = baseColour.R, g = baseColour.G, b = baseColour.B;
            foreach (var gr in gratings)
            {
                var w = 18f * MathF.Sin(MathF.Tau * (x * MathF.Cos(gr.Angle) + y * MathF.Sin(gr.Angle)) / gr.Period + gr.Phase);
                r += w * gr.Colour.R; g += w * gr.Colour.G; b += w * gr.Colour.B;
            }
            var noise = 12f * (random.NextSingle() - 0.5f);
            var o = (y * width + x) * 3;
            rgb[o] = (byte)Math.Clamp(r + noise, 0, 255);
            rgb[o + 1] = (byte)Math.Clamp(g + noise, 0, 255);
            rgb[o + 2] = (byte)Math.Clamp(b + noise, 0, 255);
        }
        return rgb;
    }
}
