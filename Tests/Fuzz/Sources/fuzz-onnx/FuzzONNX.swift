import Foundation
import KilnFormat
import KilnONNX

/// The ONNX importer on any bytes: a model that validates and encodes, or an error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let (model, _) = try? ONNXImporter.convert(data: Data(bytes: data, count: size), directory: nil) {
        precondition((try? model.encode()) != nil, "a converted model does not encode")
    }
    return 0
}
