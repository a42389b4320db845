using Workflows;

Greeted greeted = await new HelloFlow().RunAsync(new Hello("world"));
Console.WriteLine(greeted.Message);

public sealed record Hello(string Name) : StartEvent;
public sealed record Greeted(string Message) : StopEvent;

[Workflow]
public partial class HelloFlow
{
    [Step]
    public static Greeted Greet(Hello hello) => new($"Hello, {hello.Name}!");
}
