import ArgumentParser

@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Train, quantize and run GAN generators deterministically on CPUs.",
        discussion: """
        Model files (.kiln) are described in Formats/SPEC.md. Without a FILE argument, commands that \
        need a model use the shipped default model (\(DefaultModel.relativePath)).
        """,
        version: "0.1.0",
        subcommands: [Inspect.self, Run.self, Generate.self, Bench.self, Train.self, TrainClassifier.self, Eval.self, Convert.self, Quantize.self, Verify.self,
                      Sample.self, Interpolate.self, Arith.self, Find.self, Direction.self, Edges.self, Translate.self, Serve.self]
    )
}
