using System.Reflection;

namespace Notebooks.Host.Formatting;

/// <summary>Small reflection helpers for formatters that recognise library types by name.</summary>
static class Reflect
{
    /// <summary>The type itself or the first base type whose full name (generic definition name for generics) matches.</summary>
    public static Type? FindBase(Type? type, string fullName)
    {
        for (; type is not null; type = type.BaseType)
        {
            var name = type.IsGenericType ? type.GetGenericTypeDefinition().FullName : type.FullName;
            if (name == fullName) return type;
        }
        return null;
    }

    public static object? Get(object target, string property) =>
        target.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(target);

    public static object? Call(object target, string method, params object[] args) =>
        target.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .First(m => m.Name == method && !m.IsGenericMethodDefinition && m.GetParameters().Length == args.Length
                && m.GetParameters().Zip(args).All(p => p.First.ParameterType.IsInstanceOfType(p.Second)))
            .Invoke(target, args);
}
