using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using Workflows.AI;
using Workflows.Durable;
using Workflows.Server.Http;
using Workflows.Server.Security;

namespace Workflows.Server.Api;

/// <summary>
/// The server's workflows as Model Context Protocol tools, at <c>{ApiPath}/mcp</c> (streamable HTTP,
/// stateless): each registered workflow is a tool whose arguments are its StartEvent and whose result
/// is its StopEvent — or, for a run that waits for a person, its id and question, so an agent's call
/// never blocks on a person. Callers authenticate as for the API and need the start permission.
/// </summary>
internal static class WorkflowTools
{
    public const string Path = "/mcp";

    /// <summary>Fills the MCP server's tools from the runtime's workflows, once the container has built it.</summary>
    internal sealed class Configure(WorkflowRuntime runtime) : IConfigureOptions<McpServerOptions>
    {
        void IConfigureOptions<McpServerOptions>.Configure(McpServerOptions options)
        {
            options.ServerInfo = new ModelContextProtocol.Protocol.Implementation { Name = "Workflows", Version = typeof(WorkflowTools).Assembly.GetName().Version?.ToString() ?? "0" };
            options.ToolCollection ??= [];
            foreach (Microsoft.Extensions.AI.AIFunction workflow in runtime.AsAIFunctions())
            {
                options.ToolCollection.Add(McpServerTool.Create(workflow));
            }
        }
    }

    public static void Map(RouteGroupBuilder api) =>
        api.MapMcp(Path)
            .Requires(WorkflowPermission.Start, "start runs through MCP tools")
            .Add(endpoint =>
            {
                // MCP's endpoints are not route handlers, so the API's endpoint filters do not run: check here.
                RequestDelegate inner = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = async context =>
                {
                    CallerIdentity caller = CallerIdentity.Of(context);
                    if (!caller.Permissions.Contains(WorkflowPermission.Start))
                    {
                        await Problems.WriteAsync(
                            context,
                            StatusCodes.Status403Forbidden,
                            "forbidden",
                            $"{caller.Described} may not start runs through MCP tools: that takes the '{Permissions.Name(WorkflowPermission.Start)}' permission.").ConfigureAwait(false);
                        return;
                    }

                    await inner(context).ConfigureAwait(false);
                };
            });
}
