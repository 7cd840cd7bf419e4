return await Conformance.Cli.ConformanceCommand.InvokeAsync(args);
