import Foundation
import PipelineCore

/// A derived copy of a team pipeline's merged state, kept on this machine beside the
/// journals (`journals/<replica>.jsonl.team-snapshot`, which git ignores), that makes
/// opening a large team fast: load the state, read only what each journal gained since.
///
/// Like a journal's snapshot it is never the source of truth: it is used only when every
/// journal it covers still begins with exactly the bytes it covered (each one's CRC-32C),
/// none of them is gone, and the configuration is the one it was made with; otherwise it
/// is ignored and the journals are read whole. Deleting it is always safe.
///
/// Layout: magic, then four sections, each as length (u64) + bytes + CRC-32C (u32):
/// - the seal: the configuration's fingerprint, the latest clock seen, and for each journal
///   its name, where the snapshot stops in it (as a journal snapshot's seal) and the clock
///   of its last event;
/// - the merge: the conflict marks and the events that did not apply (each event as its
///   journal line), and the id of the last event on each lead (the next change's `base`);
/// - the state, as in a journal snapshot;
/// - the ids of the events covered, per journal in the seal's order.
///
/// The merged order of every event (to apply the whole history again when a late event
/// sorts before the end, to tell concurrent changes apart, and to say who did what) is not
/// in the snapshot: it is read from the journals when first needed, by the board on another
/// thread after its first frame (`TeamMerge.readHistory`).
enum TeamSnapshot {
  static let magic = Array("CLOTEAM5".utf8)
  static let sectionCount = 4

  static func path(in layout: TeamLayout, replica: String) -> String {
    "\(layout.journalPath(replica: replica)).team-snapshot"
  }

  /// One journal as the snapshot covers it.
  struct Member {
    var name: String
    var seal: SnapshotSeal
    var lastClock: HybridTime?
    var eventIDs: EventIDSet
  }

  /// What the snapshot holds beside the state.
  struct Contents {
    var configFingerprint: UInt32
    var latest: HybridTime?
    var members: [Member]
    var marks: [LeadID: ConflictMark]
    var conflicts: [TeamConflict]
    var lastEventIDs: [LeadID: String]
  }

  // MARK: Writing

  static func encode(_ contents: Contents, pipeline: Pipeline, to sink: ([UInt8]) throws -> Void) rethrows {
    try sink(magic)
    var seal = BinaryWriter()
    seal.u32(contents.configFingerprint)
    seal.optional(contents.latest) { write($1, into: &$0) }
    seal.count(contents.members.count)
    for member in contents.members {
      seal.string(member.name)
      Snapshot.writeSeal(member.seal, into: &seal)
      seal.optional(member.lastClock) { write($1, into: &$0) }
    }
    try Snapshot.section(seal.bytes, to: sink)

    var merge = BinaryWriter()
    merge.count(contents.marks.count)
    for (lead, mark) in contents.marks.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      merge.string(lead.rawValue)
      merge.string(line(mark.winner))
      merge.string(line(mark.loser))
    }
    merge.count(contents.conflicts.count)
    for conflict in contents.conflicts {
      merge.string(line(conflict.event))
      merge.string(conflict.file)
      merge.count(conflict.line)
      merge.string(conflict.reason)
    }
    merge.count(contents.lastEventIDs.count)
    for (lead, id) in contents.lastEventIDs {
      merge.string(lead.rawValue)
      merge.string(id)
    }
    try Snapshot.section(merge.bytes, to: sink)

    try Snapshot.stateSection(pipeline.image, to: sink)

    var ids = BinaryWriter()
    ids.count(contents.members.count)
    for member in contents.members { Snapshot.writeEventIDs(member.eventIDs, into: &ids) }
    try Snapshot.section(ids.bytes, to: sink)
  }

  private static func write(_ time: HybridTime, into w: inout BinaryWriter) {
    w.i64(time.wall.millisecondsSinceEpoch)
    w.i64(Int64(time.counter))
  }

  /// An event as its journal line, without the newline.
  private static func line(_ event: Event) -> String {
    String(decoding: EventCodec.encode(event).dropLast(), as: UTF8.self)
  }

  // MARK: Reading

  private static func readTime(_ r: inout BinaryReader) throws(SnapshotError) -> HybridTime {
    let wall = try r.i64()
    let counter = try r.i64()
    guard counter >= 0, counter <= Int64(Int32.max) else { throw SnapshotError("bad clock") }
    return HybridTime(wall: Timestamp(millisecondsSinceEpoch: wall), counter: Int(counter))
  }

  private static func readEvent(_ r: inout BinaryReader) throws(SnapshotError) -> Event {
    var bytes = Array(try r.string().utf8)
    return try bytes.withUnsafeMutableBufferPointer { buffer throws(SnapshotError) in
      do {
        return try EventCodec.decode(UnsafeBufferPointer(buffer))
      } catch {
        throw SnapshotError("a stored event does not decode")
      }
    }
  }

  /// The seal: the fingerprint, the latest clock, and each member without its event ids.
  static func readSeal(_ r: inout BinaryReader) throws(SnapshotError) -> Contents {
    let fingerprint = try r.u32()
    let latest = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in try readTime(&r) }
    var members: [Member] = []
    for _ in 0..<(try r.count(ofAtLeast: 8)) {
      let name = try r.string()
      let seal = try Snapshot.readSeal(&r)
      let clock = try r.optional { (r: inout BinaryReader) throws(SnapshotError) in try readTime(&r) }
      members.append(Member(name: name, seal: seal, lastClock: clock, eventIDs: EventIDSet()))
    }
    return Contents(
      configFingerprint: fingerprint, latest: latest, members: members, marks: [:], conflicts: [], lastEventIDs: [:])
  }

  /// The merge section, into `contents`.
  static func readMerge(_ r: inout BinaryReader, into contents: inout Contents) throws(SnapshotError) {
    for _ in 0..<(try r.count(ofAtLeast: 3)) {
      let lead = LeadID(try r.string())
      contents.marks[lead] = ConflictMark(winner: try readEvent(&r), loser: try readEvent(&r))
    }
    for _ in 0..<(try r.count(ofAtLeast: 4)) {
      let event = try readEvent(&r)
      let file = try r.string()
      let line = try r.count()
      contents.conflicts.append(TeamConflict(event: event, file: file, line: line, reason: try r.string()))
    }
    let count = try r.count(ofAtLeast: 2)
    contents.lastEventIDs.reserveCapacity(count)
    for _ in 0..<count {
      let lead = LeadID(try r.string())
      contents.lastEventIDs[lead] = try r.string()
    }
  }

  /// The event ids section: one set per member, in the seal's order.
  static func readEventIDs(_ r: inout BinaryReader, into contents: inout Contents) throws(SnapshotError) {
    guard try r.count() == contents.members.count else { throw SnapshotError("event ids for other journals") }
    for index in contents.members.indices { contents.members[index].eventIDs = try Snapshot.readEventIDs(&r) }
  }
}

/// What the second thread of a team snapshot's load found; read after `done` is signalled.
private final class TeamSideResults: @unchecked Sendable {
  var contents: Contents?
  var prefixes: [String: PrefixChecksum] = [:]
  let done = DispatchSemaphore(value: 0)
  typealias Contents = TeamSnapshot.Contents
}

extension TeamSnapshot {
  /// The snapshot of the team at `layout` this replica keeps, when it was made with
  /// `config` and covers only journals that are there: what it holds, the state, and the
  /// checksum of each journal's bytes it covers (taken on another thread while the state
  /// is read), which opening the journal compares instead of reading them again.
  static func load(
    _ layout: TeamLayout, replica: String, journals names: [String], config: PipelineConfig, fileSystem: FileSystem
  ) -> (contents: Contents, pipeline: Pipeline, prefixes: [String: PrefixChecksum])? {
    let path = path(in: layout, replica: replica)
    guard (try? fileSystem.status(atPath: path))??.kind == .regular,
      let descriptor = try? fileSystem.open(path, writable: false, create: false)
    else { return nil }
    defer { fileSystem.close(descriptor) }
    guard let status = try? fileSystem.status(descriptor), status.kind == .regular, status.size > 0,
      let file = try? Snapshot.File(
        fileSystem: fileSystem, descriptor: descriptor, size: status.size, magic: magic, sections: sectionCount),
      let sealed = try? file.section(0, readSeal), sealed.configFingerprint == Snapshot.fingerprint(config),
      Set(sealed.members.map(\.name)).isSubset(of: names), Set(sealed.members.map(\.name)).count == sealed.members.count
    else { return nil }
    let side = TeamSideResults()
    let worker = Thread { [side] in
      var contents = sealed
      do throws(SnapshotError) {
        try file.section(1) { (r: inout BinaryReader) throws(SnapshotError) in try readMerge(&r, into: &contents) }
        try file.section(3) { (r: inout BinaryReader) throws(SnapshotError) in try readEventIDs(&r, into: &contents) }
        side.contents = contents
      } catch {
        side.contents = nil
      }
      for member in sealed.members {
        side.prefixes[member.name] = PrefixChecksum.take(
          of: "\(layout.journalsPath)/\(member.name)", count: member.seal.position.offset, fileSystem: fileSystem)
      }
      side.done.signal()
    }
    worker.start()
    let pipeline = try? Pipeline(config: config, image: file.image())
    side.done.wait()
    guard let pipeline, let contents = side.contents else { return nil }
    return (contents, pipeline, side.prefixes)
  }
}
