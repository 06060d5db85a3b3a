#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat

// kiln-run: the deploy-time runner. Exit status 0 on success, 1 when running fails, 2 for a
// command-line mistake.
let args = Array(CommandLine.arguments.dropFirst())
if args.contains("-h") || args.contains("--help") {
    print(Options.usage)
    exit(0)
}
if args.contains("--version") {
    print("kiln-run (Kiln runtime, .kiln format \(KilnFormatVersion.major).\(KilnFormatVersion.minor))")
    exit(0)
}
do {
    let options = try Options(args)
    let model: KilnModel
    do { model = try KilnModel.load(path: options.model) } catch { throw RunError("\(options.model): \(error)") }
    switch options.job {
    case .generate: try generate(model, options)
    case .run: try runArrays(model, options)
    case .bench: try bench(model, options)
    }
} catch let e as UsageError {
    printError("error: \(e.message)")
    exit(2)
} catch let e as RunError {
    printError("error: \(e.message)")
    exit(1)
} catch {
    printError("error: \(error)")
    exit(1)
}
