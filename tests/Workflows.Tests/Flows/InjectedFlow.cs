namespace Workflows.Tests.Flows;

public interface IGreeter
{
    string Greet(string name);
}

/// <summary>A scoped service: one per run, disposed when the run ends.</summary>
public sealed class ScopedGreeter : IGreeter, IDisposable
{
    private static int s_created;

    public ScopedGreeter() => Number = Interlocked.Increment(ref s_created);

    public int Number { get; }

    public bool Disposed { get; private set; }

    public string Greet(string name) => $"hello {name} from greeter {Number}";

    public void Dispose() => Disposed = true;
}

public sealed record Greet(string Name) : StartEvent;
public sealed record Greeting(string Text, IGreeter Greeter) : StopEvent;

/// <summary>Its constructor takes a service from the container.</summary>
[Workflow]
public partial class InjectedFlow(IGreeter greeter)
{
    [Step]
    public Greeting Hello(Greet greet) => new(greeter.Greet(greet.Name), greeter);
}
