using DocumentReview;
using Workflows;

namespace Tour;

public static class Streaming
{
    public static async Task<ReviewCompleted> ReviewAsync(ReviewFlow flow, string title, string text)
    {
        WorkflowHandler<ReviewCompleted> handler = flow.RunAsync(new DocumentSubmitted(title, text));
        await foreach (Event ev in handler.StreamEvents())
        {
            if (ev is Progress p) Console.WriteLine(p.Message);
        }
        ReviewCompleted result = await handler;
        return result;
    }
}
