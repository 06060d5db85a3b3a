import CKilnAPI
import KilnFormat
import KilnRuntime

@_cdecl("kiln_model_open")
public func kilnModelOpen(_ path: UnsafePointer<CChar>?, _ model: UnsafeMutablePointer<kiln_model>?) -> kiln_status {
    call { () throws(APIError) in
        let path = String(cString: try required(path, "path"))
        let out = try required(model, "model")
        let m = try runtime { try KilnModel.load(path: path) }
        out.pointee = kiln_model(id: Registry.shared.add(try OpenModel(model: m, fileBytes: m.fileBytes)))
    }
}

@_cdecl("kiln_model_open_memory")
public func kilnModelOpenMemory(_ data: UnsafeRawPointer?, _ size: Int, _ model: UnsafeMutablePointer<kiln_model>?) -> kiln_status {
    call { () throws(APIError) in
        let data = try required(data, "data")
        let out = try required(model, "model")
        guard size >= 0 else { throw .argument("size is \(UInt(bitPattern: size)) bytes, more than any model; pass the buffer's size.") }
        let m = try runtime { try KilnModel.decode(copying: UnsafeRawBufferPointer(start: data, count: size)) }
        out.pointee = kiln_model(id: Registry.shared.add(try OpenModel(model: m, fileBytes: size)))
    }
}

@_cdecl("kiln_model_release")
public func kilnModelRelease(_ model: kiln_model) -> kiln_status {
    call { () throws(APIError) in try Registry.shared.releaseModel(model.id) }
}

@_cdecl("kiln_model_get_info")
public func kilnModelGetInfo(_ model: kiln_model, _ info: UnsafeMutablePointer<kiln_model_info>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(info, "info")
        out.pointee = try Registry.shared.model(model.id).info
    }
}

@_cdecl("kiln_model_get_input")
public func kilnModelGetInput(_ model: kiln_model, _ index: UInt32, _ info: UnsafeMutablePointer<kiln_tensor_info>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(info, "info")
        out.pointee = try element(try Registry.shared.model(model.id).inputs, index, "input")
    }
}

@_cdecl("kiln_model_get_output")
public func kilnModelGetOutput(_ model: kiln_model, _ index: UInt32, _ info: UnsafeMutablePointer<kiln_tensor_info>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(info, "info")
        out.pointee = try element(try Registry.shared.model(model.id).outputs, index, "output")
    }
}

@_cdecl("kiln_model_get_class_name")
public func kilnModelGetClassName(_ model: kiln_model, _ index: UInt32, _ name: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(name, "name")
        out.pointee = UnsafePointer(try element(try Registry.shared.model(model.id).classNames, index, "class"))
    }
}

@_cdecl("kiln_model_latent")
public func kilnModelLatent(_ model: kiln_model, _ seed: UInt64, _ z: UnsafeMutablePointer<Float>?, _ capacity: Int) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(z, "z")
        let sampler = try Registry.shared.model(model.id).spec().sampler
        guard capacity >= sampler.dimension else { throw .bufferTooSmall(what: "z", needed: sampler.dimension, given: capacity) }
        sampler.sample(seed: seed, into: out)
    }
}

/// Item `index` of a model's inputs, outputs or class names, or KILN_E_ARGUMENT.
func element<T>(_ items: [T], _ index: UInt32, _ what: String) throws(APIError) -> T {
    guard Int(index) < items.count else {
        throw .argument("the model has \(items.count) \(what)\(items.count == 1 ? "" : "s"); \(what) \(index) does not exist (indices start at 0).")
    }
    return items[Int(index)]
}
