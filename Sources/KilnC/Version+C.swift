import CKilnAPI
import KilnFormat

/// The library's version: the C API's major.minor and a patch level.
let libraryVersion: StaticString = "1.0.0"

@_cdecl("kiln_version")
public func kilnVersion() -> UnsafePointer<CChar> {
    UnsafeRawPointer(libraryVersion.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("kiln_format_version_major")
public func kilnFormatVersionMajor() -> UInt16 { KilnFormatVersion.major }

@_cdecl("kiln_format_version_minor")
public func kilnFormatVersionMinor() -> UInt16 { KilnFormatVersion.minor }
