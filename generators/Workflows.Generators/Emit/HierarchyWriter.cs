using Workflows.Generators.Model;

namespace Workflows.Generators.Emit;

/// <summary>Reopens a workflow's namespace and declaring types in generated code, and closes them again.</summary>
internal static class HierarchyWriter
{
    /// <summary>Opens the namespace and every type down to the workflow class, which gets <paramref name="workflowBaseList"/> (or none).</summary>
    public static void Open(SourceWriter writer, HierarchyInfo hierarchy, string? workflowBaseList)
    {
        if (hierarchy.Namespace is not null)
        {
            writer.Line("namespace " + hierarchy.Namespace).Open();
        }

        for (int i = 0; i < hierarchy.Types.Count; i++)
        {
            TypeDeclaration type = hierarchy.Types[i];
            string declaration = type.Keyword == "static class" ? $"static partial class {type.Name}" : $"partial {type.Keyword} {type.Name}";
            if (i == hierarchy.Types.Count - 1 && workflowBaseList is not null)
            {
                declaration += " : " + workflowBaseList;
            }

            writer.Line(declaration).Open();
        }
    }

    /// <summary>Closes what <see cref="Open"/> opened.</summary>
    public static void Close(SourceWriter writer, HierarchyInfo hierarchy)
    {
        for (int i = 0; i < hierarchy.Types.Count; i++)
        {
            writer.Close();
        }

        if (hierarchy.Namespace is not null)
        {
            writer.Close();
        }
    }
}
