using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NdisMock.Api.AsyncApi;

/// <summary>
/// The XML documentation of the hub's methods (NdisMock.Hubs.xml beside the app, as for Swagger), as plain text. A hub
/// method's name is unique (SignalR refuses overloads), so a method is found by its name alone.
/// </summary>
internal sealed partial class XmlDocs
{
    private readonly Dictionary<string, XElement> _members;

    private XmlDocs(Dictionary<string, XElement> members) => _members = members;

    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
        var members = File.Exists(path)
            ? XDocument.Load(path).Descendants("member").ToDictionary(m => Key((string)m.Attribute("name")!), StringComparer.Ordinal)
            : [];
        return new XmlDocs(members);
    }

    public string? Summary(MethodInfo method) => Text(Member(method)?.Element("summary"));

    public string? Parameter(ParameterInfo parameter) =>
        Text(Member((MethodInfo)parameter.Member)?.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == parameter.Name));

    private XElement? Member(MethodInfo method) => _members.GetValueOrDefault("M:" + Name(method.DeclaringType!) + "." + method.Name);

    private static string Name(Type type) => type.FullName!.Replace('+', '.');

    /// <summary>A member's id without its parameter list.</summary>
    private static string Key(string id) => id.IndexOf('(', StringComparison.Ordinal) is var open and >= 0 ? id[..open] : id;

    /// <summary>The text of a doc element: a reference as the name it refers to, code as code, lines joined.</summary>
    private static string? Text(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        element = new XElement(element);
        foreach (var reference in element.Descendants().Where(e => e.Name == "see" || e.Name == "paramref").ToList())
        {
            var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? "";
            reference.ReplaceWith(Key(target).Split('.', ':')[^1]);
        }

        foreach (var code in element.Descendants("c").ToList())
        {
            code.ReplaceWith("`" + code.Value + "`");
        }

        return Whitespace().Replace(element.Value, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
