namespace Velithon.CodeFixes;

/// <summary>The name inside one route parameter as written in a template: <c>&lt;name&gt;</c>, <c>&lt;int:name&gt;</c>, <c>{name}</c> or <c>{name:int}</c>.</summary>
internal sealed class RouteParameterName(string name, int offset)
{
    /// <summary>The parameter's name.</summary>
    public string Name => name;

    /// <summary>Where the name starts in the written parameter.</summary>
    public int Offset => offset;

    /// <summary>Finds the name in <paramref name="written"/>; null when it is not one route parameter.</summary>
    public static RouteParameterName? Find(string written)
    {
        if (written.Length < 3)
        {
            return null;
        }

        if (written[0] == '<' && written[written.Length - 1] == '>')
        {
            // <converter:name>: the name follows the converter.
            int colon = written.IndexOf(':');
            int start = colon < 0 ? 1 : colon + 1;
            return new RouteParameterName(written.Substring(start, written.Length - 1 - start), start);
        }

        if (written[0] == '{' && written[written.Length - 1] == '}')
        {
            // {name:constraint} or {*name}: the name precedes the constraint.
            int start = written[1] == '*' ? 2 : 1;
            int colon = written.IndexOf(':');
            int end = colon < 0 ? written.Length - 1 : colon;
            return new RouteParameterName(written.Substring(start, end - start), start);
        }

        return null;
    }
}
