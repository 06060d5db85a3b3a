import Foundation
import Hummingbird
import HummingbirdTesting
import KilnFormat
import KilnImage
import KilnRuntime
import KilnServe
import KilnTestSupport
import XCTest

/// kiln serve over real HTTP (a live server on a free port): the runtime's images and arrays,
/// concurrency, and clear 4xx answers to bad requests while the server keeps serving.
final class ServeTests: XCTestCase {
    static let generator = Repo.path("Formats/models/fashion-dcgan-int8.kiln")
    static let conditional = Repo.path("Formats/models/fashion-cond-int8.kiln")
    static let translator = Repo.path("Formats/models/fashion-pix2pix-int8.kiln")

    func app(idleTimeout: Int64 = 30, maxBody: Int = 1 << 20) throws -> some ApplicationProtocol {
        var limits = ServeLimits()
        limits.maxBodyBytes = maxBody
        let models = try [("fashion-dcgan-int8", Self.generator), ("fashion-cond-int8", Self.conditional), ("fashion-pix2pix-int8", Self.translator)]
            .map { try ServedModel(path: $0.1, name: $0.0, limits: limits) }
        return KilnServer.application(models: models, host: "127.0.0.1", port: 0, idleTimeoutSeconds: idleTimeout)
    }

    /// The runtime's own images of `seeds` (with `label` for a conditional model), as a grid.
    static func expected(_ path: String, seeds: Range<UInt64>, label: Int32? = nil, zoom: Int = 1, columns: Int? = nil) throws -> Image {
        let model = try KilnModel.load(path: path)
        let plan = try Plan(model: model, batch: seeds.count)
        let spec = try GeneratorSpec(model: model)
        spec.fillInputs(of: plan, seed: seeds.lowerBound, first: 0)
        if let label, let li = spec.labelInput { plan.inputBuffer(li).bindMemory(to: Int32.self).update(repeating: label) }
        try plan.run()
        let grid = Grid.image(samples: plan.outputBuffer(0).bindMemory(to: Float.self), count: seeds.count, channels: 1, height: 28, width: 28,
                              lo: -1, hi: 1, columns: columns, gap: seeds.count == 1 ? 0 : 2)
        return grid.resized(width: grid.width * zoom, height: grid.height * zoom)
    }

    static func image(_ r: TestResponse) throws -> Image {
        XCTAssertEqual(r.headers[.contentType], "image/png")
        return try Image.readPNG(bytes: Array(r.body.readableBytesView), channels: 1)
    }

    func testHealthAndModels() async throws {
        try await app().test(.live) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(health.status, .ok)
            XCTAssertTrue(String(buffer: health.body).contains("\"status\":\"ok\""), String(buffer: health.body))
            let models = try await client.execute(uri: "/models", method: .get)
            let list = try JSONSerialization.jsonObject(with: Data(models.body.readableBytesView)) as? [[String: Any]]
            XCTAssertEqual(list?.map { $0["name"] as? String }, ["fashion-dcgan-int8", "fashion-cond-int8", "fashion-pix2pix-int8"])
            XCTAssertEqual(list?.map { $0["kind"] as? String }, ["generator", "generator", "translator"])
            XCTAssertEqual((list?[1]["classes"] as? [String])?.count, 10)
        }
    }

    func testGenerateIsTheRuntimesImages() async throws {
        try await app().test(.live) { client in
            let one = try await client.execute(uri: "/generate?seed=5&zoom=2", method: .get)
            XCTAssertEqual(one.status, .ok)
            XCTAssertEqual(try Self.image(one), try Self.expected(Self.generator, seeds: 5 ..< 6, zoom: 2))
            let bags = try await client.execute(uri: "/generate", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"model": "fashion-cond-int8", "seed": 3, "count": 4, "class": "Bag"}"#))
            XCTAssertEqual(bags.status, .ok, String(buffer: bags.body))
            XCTAssertEqual(try Self.image(bags), try Self.expected(Self.conditional, seeds: 3 ..< 7, label: 8))
            let walk = try await client.execute(uri: "/interpolate?seed=1&to=2&steps=5", method: .get)
            XCTAssertEqual(walk.status, .ok)
            XCTAssertEqual(try Self.image(walk).width, 5 * 28 + 6 * 2)
        }
    }

    /// 64 requests at once: every answer is right (the pool of plans is shared, never mixed up).
    func testConcurrentRequests() async throws {
        let expected = try (0 ..< 8).map { try Self.expected(Self.generator, seeds: UInt64($0) ..< UInt64($0) + 1) }
        try await app().test(.live) { client in
            try await withThrowingTaskGroup(of: (Int, Image).self) { group in
                for k in 0 ..< 64 {
                    group.addTask {
                        let r = try await client.execute(uri: "/generate?seed=\(k % 8)", method: .get)
                        XCTAssertEqual(r.status, .ok)
                        return (k % 8, try Self.image(r))
                    }
                }
                var answers = 0
                for try await (seed, image) in group {
                    XCTAssertEqual(image, expected[seed], "seed \(seed)")
                    answers += 1
                }
                XCTAssertEqual(answers, 64)
            }
        }
    }

    func testRunAndTranslate() async throws {
        let z = (0 ..< 3 * 100).map { Float(sin(Double($0))) }
        let model = try KilnModel.load(path: Self.generator)
        let plan = try Plan(model: model, batch: 3)
        z.withUnsafeBytes { plan.inputBuffer(0).copyMemory(from: $0) }
        try plan.run()
        let expected = NPYArray(shape: [3, 1, 28, 28], data: .float32(Array(plan.outputBuffer(0).bindMemory(to: Float.self))))
        let sketch = try Data(contentsOf: URL(fileURLWithPath: Repo.path("Formats/models/sketches/sneaker.png")))
        try await app().test(.live) { client in
            let r = try await client.execute(uri: "/run", method: .post, body: ByteBuffer(bytes: NPYArray(shape: [3, 100], data: .float32(z)).encode()))
            XCTAssertEqual(r.status, .ok, String(buffer: r.body))
            XCTAssertEqual(try NPYArray.decode(Array(r.body.readableBytesView)), expected)
            let t = try await client.execute(uri: "/translate?model=fashion-pix2pix-int8", method: .post, body: ByteBuffer(bytes: sketch))
            XCTAssertEqual(t.status, .ok, String(buffer: t.body))
            let image = try Image.readPNG(bytes: Array(t.body.readableBytesView), channels: 3)
            XCTAssertEqual(image.width, 32)
        }
    }

    /// Bad requests: a 4xx with a message that says what to change; the server keeps serving.
    func testBadRequestsAreClearErrors() async throws {
        try await app(maxBody: 1000).test(.live) { client in
            let json: HTTPFields = [.contentType: "application/json"]
            for (uri, method, body, status, mention) in [
                ("/generate", HTTPRequest.Method.post, "{\"seed\": 7,", HTTPResponse.Status.badRequest, "not the JSON this endpoint takes"),
                ("/generate", .post, #"{"count": 1000000000}"#, .badRequest, "count must be 1 to 256"),
                ("/generate?count=abc", .get, "", .badRequest, "count must be a whole number"),
                ("/generate?model=fashion-cond-int8&class=Hat", .get, "", .badRequest, "unknown class 'Hat'"),
                ("/generate?model=fashion-cond-int8&class=12", .get, "", .badRequest, "class 12 does not exist"),
                ("/generate?class=1", .get, "", .badRequest, "not conditional"),
                ("/generate?model=nope", .get, "", .badRequest, "there is no model 'nope'"),
                ("/generate?zoom=100", .get, "", .badRequest, "zoom must be 1 to 16"),
                ("/generate?model=fashion-pix2pix-int8", .get, "", .badRequest, "not a generator"),
                ("/interpolate?steps=1", .get, "", .badRequest, "steps must be at least 2"),
                ("/interpolate?path=zigzag", .get, "", .badRequest, "path must be one of"),
                ("/run", .post, "not an npy", .badRequest, "not a readable .npy"),
                ("/translate", .post, "not a png", .badRequest, "not an image-to-image model"),
                ("/translate?model=fashion-pix2pix-int8", .post, "not a png", .badRequest, "PNG"),
                ("/generate", .post, String(repeating: " ", count: 2000), .contentTooLarge, "over the server's limit of 1000 bytes"),
            ] {
                let r = try await client.execute(uri: uri, method: method, headers: method == .post ? json : [:], body: ByteBuffer(string: body))
                XCTAssertEqual(r.status, status, "\(uri): \(String(buffer: r.body))")
                XCTAssertTrue(String(buffer: r.body).contains(mention), "\(uri): \(String(buffer: r.body))")
                let health = try await client.execute(uri: "/health", method: .get)
                XCTAssertEqual(health.status, .ok)
            }
        }
    }

    /// A client that sends half a request and stalls is cut off after the idle timeout; others
    /// are served meanwhile.
    func testSlowClientIsDisconnected() async throws {
        try await app(idleTimeout: 1).test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            XCTAssertEqual(connected, 0)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let partial = Array("GET /health HTTP/1.1\r\nHost: x\r\n".utf8)
            XCTAssertEqual(partial.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }, partial.count)
            let health = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(health.status, .ok)
            let start = Date()
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)  // 0: the server closed the stalled connection
            XCTAssertEqual(n, 0)
            XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        }
    }

    /// The page in headless Chromium: the screenshot shows the generated image of the seed in the
    /// address (8x, pixelated) where the page puts it.
    func testPageInHeadlessChromium() async throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try XCTSkipIf(chromium == nil, "no chromium (apt-get install chromium; .ci/run installs it)")
        let shot = Repo.temporary("page.png")
        try? FileManager.default.removeItem(atPath: shot)
        try await app().test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let r = try Repo.execute(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                                                "--window-size=700,520", "--screenshot=\(shot)", "http://127.0.0.1:\(port)/?seed=5"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let page = try Image.readPNG(path: shot, channels: 1)
        let expected = try Self.expected(Self.generator, seeds: 5 ..< 6, zoom: 8)
        var worst = 0
        for y in 0 ..< 224 {
            for x in 0 ..< 224 {
                worst = max(worst, abs(Int(page.pixels[(64 + y) * page.width + 16 + x]) - Int(expected.pixels[y * 224 + x])))
            }
        }
        XCTAssertLessThanOrEqual(worst, 2, "the screenshot's image differs from seed 5's by up to \(worst) levels")
    }

    /// The README's kiln serve example: every URL its curl lines fetch answers 200.
    func testReadmeExample() async throws {
        let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "```sh\nkiln serve").dropFirst().first?.components(separatedBy: "```").first)
        let curls = block.split(separator: "\n").filter { $0.hasPrefix("curl") }
        XCTAssertGreaterThanOrEqual(curls.count, 3)
        let z = NPYArray(shape: [1, 100], data: .float32(Array(repeating: 0.5, count: 100))).encode()
        try await app().test(.live) { client in
            for line in curls {
                let url = try XCTUnwrap(line.split(separator: " ").first { $0.contains("http://127.0.0.1:8080/") })
                let path = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
                let post = line.contains("-X POST")
                let r = try await client.execute(uri: path, method: post ? .post : .get, body: post ? ByteBuffer(bytes: z) : nil)
                XCTAssertEqual(r.status, .ok, "\(line): \(String(buffer: r.body))")
            }
        }
    }
}
