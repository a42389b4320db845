return await Workflows.Cli.Cli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
