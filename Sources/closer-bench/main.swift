// closer-bench: how fast Closer opens and appends to large journals.
//
//   swift run -c release closer-bench [--leads 1000,10000,100000] [--dir DIR] [--runs 5]
//
// For each size it generates a journal once (kept in DIR for later runs), then measures in
// fresh child processes, reporting medians of RUNS:
//   open               open the journal as every command does (snapshot + the lines after it)
//   peak memory        the peak resident memory of that process
//   open, full replay  open while ignoring the snapshot (every line decoded and applied)
//   closer add         the real binary adding one lead, process start to exit
//   closer stats       the real binary reporting insights for the last 90 days
//
// Other modes: --profile JOURNAL (where an open's time goes), --board JOURNAL [--search] (key
// press to frame; --search: only the search index and search keystrokes), --terminal-bytes JOURNAL (bytes per frame), --interchange JOURNAL [--dir DIR]
// (closer export and closer import end to end, and a board catching up with an import),
// --team-arrival TEAM-FOLDER JOURNAL (a board's store on a team when JOURNAL arrives in it:
// how long until its events show, and the longest a key waits meanwhile).
import CloserCommands
import Foundation
import Journal
import PipelineCore

func milliseconds(since start: ContinuousClock.Instant) -> Double {
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

func peakMemoryMegabytes() -> Double { memoryMegabytes("VmHWM:") }

/// Resident memory now (`VmRSS`) or at its peak (`VmHWM`), in megabytes.
func memoryMegabytes(_ field: String) -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix(field) {
    let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kilobytes / 1024
  }
  return 0
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted[sorted.count / 2]
}

func now() -> Timestamp {
  Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
}

/// Runs a command with posix_spawn and waits for it; returns the wall time in ms.
/// (Foundation's Process adds tens of milliseconds of its own on Linux.)
func spawnAndWait(_ executable: String, _ arguments: [String]) throws -> Double {
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var pid: pid_t = 0
  let start = ContinuousClock.now
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
    throw NSError(domain: "closer-bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot run \(executable)"])
  }
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  let elapsed = milliseconds(since: start)
  guard status == 0 else {
    throw NSError(domain: "closer-bench", code: 2, userInfo: [NSLocalizedDescriptionKey: "\(executable) failed"])
  }
  return elapsed
}

/// Runs this executable (or `closer`) and returns its standard output.
func run(_ executable: String, _ arguments: [String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw NSError(
      domain: "closer-bench", code: Int(process.terminationStatus),
      userInfo: [
        NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) failed"
      ])
  }
  return String(decoding: data, as: UTF8.self)
}

let arguments = Array(CommandLine.arguments.dropFirst())

// Child mode: open one journal and report time and memory.
if arguments.first == "--open-once", arguments.count >= 2 {
  let start = ContinuousClock.now
  let store = try PipelineStore(
    path: arguments[1], access: .readOnly, replica: "bench", clock: now, snapshots: !arguments.contains("--no-snapshot")
  )
  let elapsed = milliseconds(since: start)
  print("\(elapsed) \(peakMemoryMegabytes()) \(store.pipeline.count) \(store.journal.lineCount - 1)")
  if arguments.contains("--memory") {
    print(
      "resident after opening: \(memoryMegabytes("VmRSS:")) MB; a lead is \(MemoryLayout<Lead>.stride) bytes in place")
  }
  exit(0)
}

// Profile mode: where the time of an open goes (checksums, decoding, applying).
if arguments.first == "--profile", arguments.count == 2 {
  let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
  var lines: [Range<Int>] = []
  var start = 0
  for i in bytes.indices where bytes[i] == 0x0A {
    lines.append(start..<i)
    start = i + 1
  }
  try bytes.withUnsafeBufferPointer { buffer in
    let body = lines.dropFirst()
    var clock = ContinuousClock.now
    var sum: UInt32 = 0
    for range in body {
      sum ^= CRC32C.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[range])))
    }
    print("checksums: \(milliseconds(since: clock)) ms (\(sum & 1))")
    clock = ContinuousClock.now
    var events: [Event] = []
    events.reserveCapacity(body.count)
    for range in body { events.append(try EventCodec.decode(UnsafeBufferPointer(rebasing: buffer[range]))) }
    print("decode (checksums included): \(milliseconds(since: clock)) ms for \(events.count) events")
    clock = ContinuousClock.now
    var pipeline = Pipeline()
    for event in events { try pipeline.apply(event) }
    print("apply: \(milliseconds(since: clock)) ms for \(pipeline.count) leads")
  }
  exit(0)
}

// Bytes written to a pseudo-terminal for the first frame and for one focus move.
if arguments.first == "--terminal-bytes", arguments.count >= 2 {
  let closerBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("closer").path
  print("| terminal | first frame | one focus move (j) |")
  print("|---|---:|---:|")
  for (width, height) in [(160, 45), (80, 24)] {
    let bytes = try TerminalBytes.measure(
      closer: closerBinary, journal: arguments[1], key: "j", width: width, height: height)
    print("| \(width)x\(height) | \(bytes.first) bytes | \(bytes.key) bytes |")
  }
  exit(0)
}

// Team mode: a board's store when a sync brings in a journal whose events sort early.
if arguments.first == "--team-arrival", arguments.count >= 3 {
  try TeamBenchmark.run(team: arguments[1], arriving: arguments[2])
  exit(0)
}

// Board mode: key press to finished frame, in-process, on a large pipeline.
if arguments.first == "--board", arguments.count >= 2 {
  try BoardBenchmark.run(journal: arguments[1], onlySearch: arguments.contains("--search"))
  exit(0)
}

func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

// Interchange mode: export and import end to end on a large journal.
if arguments.first == "--interchange", arguments.count >= 2 {
  let directory = option("--dir") ?? NSTemporaryDirectory() + "closer-bench"
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  let closer = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("closer").path
  try InterchangeBenchmark.run(
    journal: arguments[1], closer: closer, directory: directory, runs: Int(option("--runs") ?? "3") ?? 3)
  exit(0)
}

let sizes = (option("--leads") ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
let directory = option("--dir") ?? NSTemporaryDirectory() + "closer-bench"
let runs = Int(option("--runs") ?? "5") ?? 5
let me = CommandLine.arguments[0]
let closer = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("closer").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

print("| leads | events | journal MB | generate | open | peak memory | open, full replay | closer add | closer stats |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for leads in sizes {
  let path = "\(directory)/journal-\(leads).jsonl"
  // Generated once and kept: the time it took is shown only for a journal made in this run.
  var generated = "kept"
  if !FileManager.default.fileExists(atPath: path) {
    let start = ContinuousClock.now
    let store = try PipelineStore(path: path, replica: "bench", clock: now)
    _ = try SamplePipeline(leadCount: leads, seed: 42, now: now(), spanDays: 365).append(to: store)
    generated = String(format: "%.1f s", milliseconds(since: start) / 1000)
  }
  let megabytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
  var openTimes: [Double] = []
  var memory: [Double] = []
  var events = 0
  for _ in 0..<runs {
    let fields = try run(me, ["--open-once", path]).split(separator: " ")
    openTimes.append(Double(fields[0]) ?? 0)
    memory.append(Double(fields[1]) ?? 0)
    events = Int(fields[3].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
  }
  // Opening without the snapshot: a full replay (this is also what `closer check` reads).
  var replayTimes: [Double] = []
  let snapshot = path + ".snapshot"
  let saved = snapshot + ".saved"
  try? FileManager.default.removeItem(atPath: saved)
  if FileManager.default.fileExists(atPath: snapshot) {
    try FileManager.default.moveItem(atPath: snapshot, toPath: saved)
  }
  for _ in 0..<max(1, runs / 2) {
    let fields = try run(me, ["--open-once", path, "--no-snapshot"]).split(separator: " ")
    replayTimes.append(Double(fields[0]) ?? 0)
  }
  if FileManager.default.fileExists(atPath: saved) {
    try? FileManager.default.removeItem(atPath: snapshot)
    try FileManager.default.moveItem(atPath: saved, toPath: snapshot)
  }

  // `closer add` end to end (process start to exit), on a copy so the generated journal
  // stays as it was.
  let copy = "\(directory)/journal-\(leads)-add.jsonl"
  for file in [copy, copy + ".snapshot"] { try? FileManager.default.removeItem(atPath: file) }
  try FileManager.default.copyItem(atPath: path, toPath: copy)
  if FileManager.default.fileExists(atPath: snapshot) {
    try FileManager.default.copyItem(atPath: snapshot, toPath: copy + ".snapshot")
  }
  var addTimes: [Double] = []
  for run_ in 0..<runs {
    addTimes.append(try spawnAndWait(closer, ["add", "Bench Lead \(run_)", "--company", "Bench", "--journal", copy]))
  }
  var statsTimes: [Double] = []
  for _ in 0..<runs { statsTimes.append(try spawnAndWait(closer, ["stats", "--journal", copy])) }
  for file in [copy, copy + ".snapshot"] { try? FileManager.default.removeItem(atPath: file) }
  print(
    "| \(leads) | \(events) | \(String(format: "%.1f", megabytes)) | \(generated) | \(String(format: "%.0f ms", median(openTimes))) "
      + "| \(String(format: "%.0f MB", median(memory))) | \(String(format: "%.0f ms", median(replayTimes))) "
      + "| \(String(format: "%.0f ms", median(addTimes))) | \(String(format: "%.0f ms", median(statsTimes))) |"
  )
}
