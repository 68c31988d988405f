import NIOCore
import LarderRESP
/// Adapts ``RESPDecoder`` to NIO's single-step decoder protocol.
struct RESPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = RESPToken
    var decoder: RESPDecoder

    mutating func decode(buffer: inout ByteBuffer) throws -> RESPToken? {
        try decoder.decode(buffer: &buffer)
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPToken? {
        try decoder.decode(buffer: &buffer)
    }
}
