import Foundation
import KilnFormat
import KilnRuntime
import KilnTestSupport
import XCTest

/// The C API through a C program: Tests/KilnCTests/c/kiln_api_test.c, compiled by `cc` against
/// kiln.h and the KilnC library that `swift test` builds, exercises every function and error path;
/// its images must be the runtime's own bytes.
final class CAPITests: XCTestCase {
    static let header = Repo.path("Sources/CKilnAPI/include")
    static let program = Repo.path("Tests/KilnCTests/c/kiln_api_test.c")

    /// The build folder holding libKilnC.so and libKilnCStatic.a (beside the test bundle).
    static var buildFolder: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        guard !FileManager.default.fileExists(atPath: dir + "/libKilnC.so") else { return dir }
        for b in Bundle.allBundles where FileManager.default.fileExists(atPath: b.bundleURL.deletingLastPathComponent().appendingPathComponent("libKilnC.so").path) {
            dir = b.bundleURL.deletingLastPathComponent().path
        }
        return dir
    }

    /// The folder of the Swift runtime this process uses (for linking the static library).
    static var swiftRuntimeFolder: String? {
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        guard let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
              let path = line.split(separator: " ").last else { return nil }
        return URL(fileURLWithPath: String(path)).deletingLastPathComponent().path
    }

    static let models = ["fashion-dcgan-int8", "fashion-cond-int8", "fashion-classifier"].map { Repo.path("Formats/models/\($0).kiln") }

    func testCProgramAgainstTheDynamicLibrary() throws {
        let dir = Self.buildFolder
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir + "/libKilnC.so"), "libKilnC.so is not in \(dir)")
        let exe = Repo.temporary("kiln_api_test")
        try compile("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-I", Self.header, Self.program,
                           "-L", dir, "-lKilnC", "-Wl,-rpath,\(dir)", "-lpthread", "-o", exe])
        try runAndCompare(exe)
    }

    func testCProgramAgainstTheStaticLibrary() throws {
        let dir = Self.buildFolder
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir + "/libKilnCStatic.a"), "libKilnCStatic.a is not in \(dir)")
        let runtime = try XCTUnwrap(Self.swiftRuntimeFolder, "no libswiftCore.so in /proc/self/maps")
        var machine = utsname()
        uname(&machine)
        let arch = withUnsafeBytes(of: machine.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let exe = Repo.temporary("kiln_api_test_static")
        try compile("cc", ["-std=c11", "-O1", "-I", Self.header, Self.program, "\(runtime)/\(arch)/swiftrt.o", dir + "/libKilnCStatic.a",
                           "-L", runtime, "-lswiftCore", "-lswift_Concurrency", "-lswift_StringProcessing", "-lswift_RegexParser",
                           "-lswiftGlibc", "-lswiftSwiftOnoneSupport", "-Wl,-rpath,\(runtime)", "-lpthread", "-lm", "-o", exe])
        try runAndCompare(exe)
    }

    /// The Python binding's own tests (Formats/python/binding/tests) against the library, given the C
    /// program's images to match; then `pip install` of the package with the library next to it.
    func testPythonBinding() throws {
        let dir = Self.buildFolder
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir + "/libKilnC.so"), "libKilnC.so is not in \(dir)")
        let exe = Repo.temporary("kiln_api_test_for_python")
        try compile("cc", ["-std=c11", "-O1", "-I", Self.header, Self.program, "-L", dir, "-lKilnC", "-Wl,-rpath,\(dir)", "-lpthread", "-o", exe])
        let images = exe + ".f32"
        XCTAssertEqual(try Repo.execute(exe, Self.models + [images]).status, 0)
        let tests = try Repo.execute("/usr/bin/env", ["KILN_LIBRARY=\(dir)/libKilnC.so", "KILN_C_IMAGES=\(images)", "python3", "-W", "error",
                                                     "-m", "unittest", "discover", "-v", "-s", Repo.path("Formats/python/binding/tests")])
        XCTAssertEqual(tests.status, 0, tests.stderr)
        XCTAssertTrue(tests.stderr.contains("test_the_c_programs_images") && tests.stderr.contains("OK") && !tests.stderr.contains("skipped"), tests.stderr)

        let work = Repo.temporary("pip-binding")
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.copyItem(atPath: Repo.path("Formats/python/binding"), toPath: work + "/src")
        try FileManager.default.copyItem(atPath: dir + "/libKilnC.so", toPath: work + "/src/kiln/libKilnC.so")
        let pip = try Repo.execute("/usr/bin/env", ["python3", "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-build-isolation",
                                                   "--no-deps", "--target", work + "/site", work + "/src"])
        XCTAssertEqual(pip.status, 0, pip.stderr)
        let use = try Repo.execute("/usr/bin/env", ["PYTHONPATH=\(work)/site", "python3", "-c",
                                                   "import kiln; print(kiln.__file__, kiln.load('\(Self.models[0])').generate(seed=1, count=2).shape)"])
        XCTAssertEqual(use.status, 0, use.stderr)
        XCTAssertTrue(use.stdout.contains(work + "/site/kiln/__init__.py (2, 1, 28, 28)"), use.stdout)
    }

    /// The README's C example (embed_example.c) builds against the library and runs from the
    /// repository root; the README's C and Python examples are these files, verbatim.
    func testReadmeExamples() throws {
        let dir = Self.buildFolder
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir + "/libKilnC.so"), "libKilnC.so is not in \(dir)")
        let example = Repo.path("Tests/KilnCTests/c/embed_example.c")
        let exe = Repo.temporary("embed_example")
        try compile("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", Self.header, example, "-L", dir, "-lKilnC",
                           "-Wl,-rpath,\(dir)", "-o", exe])
        let run = try Repo.execute(exe, [], in: Repo.root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "seed 7, centre pixel 0.7058\n")
        let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
        for (fence, file) in [("c", example), ("python", Repo.path("Formats/python/binding/tests/embed_example.py"))] {
            let code = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertTrue(readme.contains("```\(fence)\n\(code)```"), "README.md lacks \(file) verbatim in a ```\(fence) block")
        }
    }

    /// The header is valid C++ too (extern "C", no C-only constructs).
    func testHeaderCompilesAsCPlusPlus() throws {
        let source = Repo.temporary("kiln_header_check.cpp")
        try """
            #include "kiln.h"
            int main() {
                kiln_model m{};
                kiln_status s = kiln_model_open("model.kiln", &m);
                return s == KILN_OK ? 0 : static_cast<int>(s);
            }
            """.write(toFile: source, atomically: true, encoding: .utf8)
        try compile("c++", ["-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only", "-I", Self.header, source])
    }

    private func compile(_ compiler: String, _ args: [String]) throws {
        let r = try Repo.execute("/usr/bin/env", [compiler] + args)
        XCTAssertEqual(r.status, 0, "\(compiler) \(args.joined(separator: " ")):\n\(r.stderr)")
    }

    /// Runs the C program; its 7 images of seeds 42 ... 48 must be what a Plan of the runtime makes.
    private func runAndCompare(_ exe: String) throws {
        let out = exe + ".f32"
        let r = try Repo.execute(exe, Self.models + [out])
        XCTAssertEqual(r.status, 0, "kiln_api_test:\n\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("all checks passed"), r.stdout)
        let fromC = try Data(contentsOf: URL(fileURLWithPath: out))
        let model = try KilnModel.load(path: Self.models[0])
        let plan = try Plan(model: model, batch: 7)
        try GeneratorSpec(model: model).fillInputs(of: plan, seed: 42, first: 0)
        try plan.run()
        XCTAssertEqual(fromC, Data(plan.outputBuffer(0)), "the C API's images differ from the runtime's")
    }
}
