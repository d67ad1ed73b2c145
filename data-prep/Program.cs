using System.CommandLine;
using DataPrep;

var root = new RootCommand("data-prep: fetch, verify and convert data sets; make generated ones");
foreach (var verb in Verbs.All) root.Subcommands.Add(verb);
return await root.Parse(args).InvokeAsync();
