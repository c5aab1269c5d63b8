using System;
using System.Linq;

namespace Velithon.Generators.Parsing;

/// <summary>Whether a route parameter and a method parameter are one name spelled two ways (VLT0023).</summary>
internal static class NameSimilarity
{
    /// <summary>
    /// True when two names differ only by case, '_' and '-' (<c>room_id</c> and <c>roomId</c>), or by one
    /// typed character (<c>roomId</c> and <c>romId</c>).
    /// </summary>
    public static bool LookAlike(string routeName, string parameterName)
    {
        string a = Normalize(routeName), b = Normalize(parameterName);
        return a == b || (Math.Min(a.Length, b.Length) > 3 && EditDistanceIsOne(a, b));

        static string Normalize(string name) => new string(name.Where(c => c != '_' && c != '-').Select(char.ToLowerInvariant).ToArray());
    }

    private static bool EditDistanceIsOne(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }

        int i = 0, j = 0, edits = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                i++;
                j++;
                continue;
            }

            if (++edits > 1)
            {
                return false;
            }

            if (a.Length > b.Length)
            {
                i++;
            }
            else if (a.Length < b.Length)
            {
                j++;
            }
            else
            {
                i++;
                j++;
            }
        }

        return edits + (a.Length - i) + (b.Length - j) == 1;
    }
}
