using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Validation;

namespace NdisMock.Api;

#pragma warning disable ASP0029 // The validation resolver API is experimental in .NET 10; NdisMock only puts a cache in front of it.

/// <summary>
/// Remembers what the validation resolvers answer for each type and parameter. The resolver that the validation source
/// generator writes builds a new description of a type, and walks the type's interfaces by reflection, on every call;
/// the validation filter asks it about the request body's type on every request. The answers never change, so asking
/// once per type keeps about a kilobyte per request off the heap and validates exactly as before.
/// </summary>
internal sealed class ValidationInfoCache : IValidatableInfoResolver
{
    private readonly IValidatableInfoResolver[] _resolvers;
    private readonly ConcurrentDictionary<Type, IValidatableInfo?> _types = new();
    private readonly ConcurrentDictionary<ParameterInfo, IValidatableInfo?> _parameters = new();

    private ValidationInfoCache(IValidatableInfoResolver[] resolvers) => _resolvers = resolvers;

    /// <summary>Puts the cache in front of the resolvers registered so far, which it asks in the same order.</summary>
    public static void Install(ValidationOptions options)
    {
        var cache = new ValidationInfoCache([.. options.Resolvers]);
        options.Resolvers.Clear();
        options.Resolvers.Add(cache);
    }

    public bool TryGetValidatableTypeInfo(Type type, [NotNullWhen(true)] out IValidatableInfo? validatableInfo)
    {
        validatableInfo = _types.GetOrAdd(type, static (key, resolvers) =>
            FirstAnswer(resolvers, resolver => resolver.TryGetValidatableTypeInfo(key, out var found) ? found : null), _resolvers);
        return validatableInfo is not null;
    }

    public bool TryGetValidatableParameterInfo(ParameterInfo parameterInfo, [NotNullWhen(true)] out IValidatableInfo? validatableInfo)
    {
        validatableInfo = _parameters.GetOrAdd(parameterInfo, static (key, resolvers) =>
            FirstAnswer(resolvers, resolver => resolver.TryGetValidatableParameterInfo(key, out var found) ? found : null), _resolvers);
        return validatableInfo is not null;
    }

    /// <summary>What the first resolver that knows the answer says, in the order they were registered; null when none does.</summary>
    private static IValidatableInfo? FirstAnswer(IValidatableInfoResolver[] resolvers, Func<IValidatableInfoResolver, IValidatableInfo?> ask)
    {
        foreach (var resolver in resolvers)
        {
            if (ask(resolver) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
