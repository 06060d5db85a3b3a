import Foundation
import Hummingbird
import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

/// `kiln serve`: the HTTP service of one or more models (the first is the default).
public enum KilnServer {
    /// The application for `models`, listening on host:port (port 0: any free port).
    public static func application(models: [ServedModel], host: String, port: Int, idleTimeoutSeconds: Int64 = 30,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        let byName = Dictionary(models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pick: @Sendable (String?) throws -> ServedModel = { name in
            guard let name else { return models[0] }
            guard let m = byName[name] else {
                throw ServeError.bad("there is no model '\(name)'; GET /models lists them (\(models.map(\.name).joined(separator: ", ")))")
            }
            return m
        }

        router.get("/health") { _, _ in Health(status: "ok", models: models.count) }
        router.get("/models") { _, _ in models.map(ModelDescription.init) }
        router.get("/") { request, _ in
            let seed = request.uri.queryParameters["seed"].flatMap { UInt64($0) } ?? 0
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: Page.html(models: models, seed: seed))))
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/generate", method: method) { request, context in
                var request = request
                let r = try await GenerateRequest.from(&request, context: context, limit: models[0].limits.maxBodyBytes)
                let m = try pick(r.model)
                return png(try await m.generate(r))
            }
            router.on("/interpolate", method: method) { request, context in
                var request = request
                let r = try await GenerateRequest.from(&request, context: context, limit: models[0].limits.maxBodyBytes)
                let m = try pick(r.model)
                return png(try await m.interpolate(r))
            }
        }
        router.post("/run") { request, context in
            var request = request
            let m = try pick(request.uri.queryParameters["model"].map(String.init))
            let body = try await request.body(upTo: m.limits.maxBodyBytes)
            let out = try await m.run(npy: Array(body.readableBytesView))
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
        }
        router.post("/translate") { request, context in
            var request = request
            let m = try pick(request.uri.queryParameters["model"].map(String.init))
            let body = try await request.body(upTo: m.limits.maxBodyBytes)
            let zoom = request.uri.queryParameters["zoom"].flatMap { Int($0) } ?? 1
            return png(try await m.translate(png: Array(body.readableBytesView), zoom: zoom))
        }
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(idleTimeoutSeconds))),
                           configuration: .init(address: .hostname(host, port: port), serverName: "kiln"),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) })
    }

    private static func png(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

struct Health: ResponseEncodable {
    let status: String
    let models: Int
}

struct ModelDescription: ResponseEncodable {
    let name, kind, precision: String
    let latentDim: Int?
    let classes: [String]
    let conditional: Bool
    let macsPerSample: Int

    init(_ m: ServedModel) {
        name = m.name
        kind = m.kind.rawValue
        precision = m.precision
        latentDim = m.spec?.sampler.dimension
        classes = m.spec?.classNames ?? []
        conditional = m.spec?.labelInput != nil
        macsPerSample = m.macsPerSample
    }
}
