using System.Collections.Generic;
using System.Text;
using Velithon.Generators.Helpers;
using Velithon.Generators.Model;

namespace Velithon.Generators.Parsing;

/// <summary>
/// Parses Velithon route templates: <c>/chat/&lt;roomId&gt;</c>, <c>&lt;int:id&gt;</c>, <c>&lt;path:rest&gt;</c>,
/// and the ASP.NET Core form <c>{id}</c>, <c>{id:int}</c>, <c>{*rest}</c>. Each segment is literal text or
/// one parameter.
/// </summary>
internal static class RouteTemplateParser
{
    public static bool TryParse(string template, out RouteTemplateSpec? spec, out RouteTemplateError? error)
    {
        spec = null;
        error = null;
        if (template.Length == 0 || template[0] != '/')
        {
            error = new RouteTemplateError("A route template must start with '/'", 0, template.Length);
            return false;
        }

        if (template.Length > 1 && template[template.Length - 1] == '/')
        {
            error = new RouteTemplateError("A route template must not end with '/' (routing matches the path with or without a trailing slash); remove it", template.Length - 1, 1);
            return false;
        }

        var parameters = new List<RouteParameterSpec>();
        var pattern = new StringBuilder();
        var key = new StringBuilder();
        int position = 1;
        while (position <= template.Length && template.Length > 1)
        {
            int end = template.IndexOf('/', position);
            if (end < 0)
            {
                end = template.Length;
            }

            int length = end - position;
            if (length == 0)
            {
                error = new RouteTemplateError("A route template must not contain an empty segment ('//')", position - 1, 2);
                return false;
            }

            pattern.Append('/');
            key.Append('/');
            var segment = template.Substring(position, length);
            char first = segment[0];
            if (first is '<' or '{')
            {
                if (!TryParseParameter(segment, position, out var parameter, out error))
                {
                    return false;
                }

                foreach (var existing in parameters)
                {
                    if (string.Equals(existing.Name, parameter!.Name, System.StringComparison.OrdinalIgnoreCase))
                    {
                        error = new RouteTemplateError($"The route parameter '{parameter.Name}' appears more than once; give each parameter its own name", position, length);
                        return false;
                    }
                }

                if (parameter!.Converter == RouteConverter.Path && end != template.Length)
                {
                    error = new RouteTemplateError($"The path parameter '{parameter.Name}' takes the rest of the path, so it must be the last segment", position, length);
                    return false;
                }

                parameters.Add(parameter);
                pattern.Append(parameter.Converter == RouteConverter.Path ? "{**" : "{").Append(parameter.Name).Append('}');
                key.Append(parameter.Converter == RouteConverter.Path ? "{**}" : "{}");
            }
            else
            {
                for (int i = 0; i < segment.Length; i++)
                {
                    if (!IsLiteralCharacter(segment[i]))
                    {
                        error = new RouteTemplateError($"The character '{segment[i]}' is not allowed in a route; a parameter is a whole segment written <name> or {{name}}", position + i, 1);
                        return false;
                    }
                }

                pattern.Append(segment);
                key.Append(segment.ToLowerInvariant());
            }

            position = end + 1;
        }

        if (template.Length == 1)
        {
            pattern.Append('/');
            key.Append('/');
        }

        spec = new RouteTemplateSpec(pattern.ToString(), key.ToString(), new EquatableArray<RouteParameterSpec>(parameters.ToArray()));
        return true;
    }

    /// <summary>
    /// <paramref name="template"/> with its slashes put right, when that alone makes it valid: a leading <c>/</c>
    /// added, runs of <c>/</c> made one, a trailing <c>/</c> removed (<c>chat//room/</c> becomes <c>/chat/room</c>).
    /// Null when the template has another mistake, or none, or is only slashes (which route was meant is a guess).
    /// </summary>
    public static string? FixSlashes(string template)
    {
        if (template.Trim('/').Length == 0)
        {
            return null;
        }

        var builder = new StringBuilder("/", template.Length + 1);
        foreach (char c in template)
        {
            if (c != '/' || builder[builder.Length - 1] != '/')
            {
                builder.Append(c);
            }
        }

        if (builder.Length > 1 && builder[builder.Length - 1] == '/')
        {
            builder.Length--;
        }

        string candidate = builder.ToString();
        return candidate != template && TryParse(candidate, out _, out _) ? candidate : null;
    }

    private static bool TryParseParameter(string segment, int offset, out RouteParameterSpec? parameter, out RouteTemplateError? error)
    {
        parameter = null;
        error = null;
        bool angle = segment[0] == '<';
        char close = angle ? '>' : '}';
        if (segment[segment.Length - 1] != close || segment.Length < 3)
        {
            error = new RouteTemplateError(angle
                ? "A parameter must fill its segment and be written <name> or <converter:name>"
                : "A parameter must fill its segment and be written {name} or {name:converter}", offset, segment.Length);
            return false;
        }

        var body = segment.Substring(1, segment.Length - 2);
        string name;
        string? converterName = null;
        bool catchAll = false;
        int colon = body.IndexOf(':');
        if (angle)
        {
            // Velithon form: <name> or <converter:name>.
            if (colon >= 0)
            {
                converterName = body.Substring(0, colon);
                name = body.Substring(colon + 1);
            }
            else
            {
                name = body;
            }
        }
        else
        {
            // ASP.NET Core form: {name}, {name:converter}, {*name}, {**name}.
            if (body.StartsWith("**", System.StringComparison.Ordinal))
            {
                catchAll = true;
                body = body.Substring(2);
                colon = body.IndexOf(':');
            }
            else if (body.StartsWith("*", System.StringComparison.Ordinal))
            {
                catchAll = true;
                body = body.Substring(1);
                colon = body.IndexOf(':');
            }

            if (body.EndsWith("?", System.StringComparison.Ordinal))
            {
                error = new RouteTemplateError("Optional route parameters are not supported; declare a second handler for the shorter path", offset, segment.Length);
                return false;
            }

            if (colon >= 0)
            {
                name = body.Substring(0, colon);
                converterName = body.Substring(colon + 1);
            }
            else
            {
                name = body;
            }
        }

        if (!IsIdentifier(name))
        {
            error = new RouteTemplateError($"'{name}' is not a valid route parameter name; use letters, digits and '_', starting with a letter or '_'", offset, segment.Length);
            return false;
        }

        var converter = RouteConverter.None;
        if (converterName is not null && !TryGetConverter(converterName, out converter))
        {
            error = new RouteTemplateError($"'{converterName}' is not a route converter; use str, int, long, float, double, decimal, bool, guid, uuid or path", offset, segment.Length);
            return false;
        }

        if (catchAll)
        {
            if (converter is not (RouteConverter.None or RouteConverter.Path or RouteConverter.String))
            {
                error = new RouteTemplateError("A catch-all parameter takes the rest of the path as a string; remove its converter", offset, segment.Length);
                return false;
            }

            converter = RouteConverter.Path;
        }

        parameter = new RouteParameterSpec(name, converter, offset, segment.Length);
        return true;
    }

    private static bool TryGetConverter(string name, out RouteConverter converter)
    {
        converter = name switch
        {
            "str" or "string" => RouteConverter.String,
            "int" => RouteConverter.Int,
            "long" => RouteConverter.Long,
            "float" or "double" => RouteConverter.Double,
            "decimal" => RouteConverter.Decimal,
            "bool" => RouteConverter.Bool,
            "guid" or "uuid" => RouteConverter.Guid,
            "path" => RouteConverter.Path,
            _ => RouteConverter.None,
        };
        return converter != RouteConverter.None;
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    // RFC 3986 section 3.3 pchar, without the characters ASP.NET Core routing gives a meaning to.
    private static bool IsLiteralCharacter(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
            or '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '+' or ',' or ';' or '=' or ':' or '@' or '%';
}
