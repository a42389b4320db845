using Workflows;

namespace Workflows.Benchmarks.Flows;

/// <summary>The fan-out benchmark's work in the signature form: the step returns its pieces, the join takes the squares.</summary>
[Workflow]
public static partial class JoinFlow
{
    [Step]
    public static Piece[] Split(Spread spread)
    {
        var pieces = new Piece[spread.Count];
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = new Piece(i);
        }

        return pieces;
    }

    [Step]
    public static Squared Square(Piece piece) => FanOutFlow.Square(piece);

    [Step]
    public static Summed Sum(IReadOnlyList<Squared> all)
    {
        long total = 0;
        foreach (Squared s in all)
        {
            total += s.Value;
        }

        return new Summed(total);
    }
}
