using System.Text;

namespace Workflows;

/// <summary>The exceptions of <c>OneOf&lt;…&gt;</c>, built off the hot path.</summary>
internal static class OneOfErrors
{
    public static InvalidOperationException Empty(Type oneOf) =>
        new($"This {Describe(oneOf)} is default and holds no event. Convert one of its arms to it instead (a step cannot return default).");

    public static InvalidOperationException WrongArm(Type oneOf, int asked, int held) =>
        new($"This {Describe(oneOf)} holds {ArmName(oneOf, held)}, not {ArmName(oneOf, asked)}. Check Index or use TryPick first.");

    public static ArgumentNullException NullArm(Type oneOf, int arm, string paramName) =>
        new(paramName, $"A {Describe(oneOf)} holds an event; null cannot be converted to arm {arm} ({ArmName(oneOf, arm)}). A step that may produce nothing returns a nullable event type instead.");

    /// <summary>Formats <c>OneOf&lt;Approved, Rejected&gt;</c> the way the user wrote it.</summary>
    public static string Describe(Type oneOf)
    {
        var text = new StringBuilder("OneOf<");
        Type[] arms = oneOf.GetGenericArguments();
        for (int i = 0; i < arms.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(arms[i].Name);
        }

        return text.Append('>').ToString();
    }

    private static string ArmName(Type oneOf, int arm) =>
        arm == 0 ? "nothing (default)" : $"arm {arm} ({oneOf.GetGenericArguments()[arm - 1].Name})";
}
