// closer-bench: how fast Closer opens and appends to large journals.
//
//   swift run -c release closer-bench [--leads 1000,10000,100000] [--dir DIR] [--runs 5]
//
// For each size it generates a journal once (about ten events per lead, kept in DIR for
// later runs), then measures in fresh child processes: the time to open and replay it, the
// peak memory of that process, and the wall time of `closer add` into it.
import CloserCommands
import Foundation
import Journal
import PipelineCore

func milliseconds(since start: ContinuousClock.Instant) -> Double {
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

func peakMemoryMegabytes() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
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
    throw NSError(domain: "closer-bench", code: Int(process.terminationStatus), userInfo: [
      NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) failed"
    ])
  }
  return String(decoding: data, as: UTF8.self)
}

let arguments = Array(CommandLine.arguments.dropFirst())

// Child mode: open one journal and report time and memory.
if arguments.first == "--open-once", arguments.count == 2 {
  let start = ContinuousClock.now
  let store = try PipelineStore(path: arguments[1], access: .readOnly, replica: "bench", clock: now)
  let elapsed = milliseconds(since: start)
  print("\(elapsed) \(peakMemoryMegabytes()) \(store.pipeline.count) \(store.journal.lineCount - 1)")
  exit(0)
}

func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

let sizes = (option("--leads") ?? "1000,10000,100000").split(separator: ",").compactMap { Int($0) }
let directory = option("--dir") ?? NSTemporaryDirectory() + "closer-bench"
let runs = Int(option("--runs") ?? "5") ?? 5
let me = CommandLine.arguments[0]
let closer = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("closer").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

print("| leads | events | journal MB | open (median of \(runs)) | peak memory | closer add (median of \(runs)) |")
print("|---:|---:|---:|---:|---:|---:|")
for leads in sizes {
  let path = "\(directory)/journal-\(leads).jsonl"
  if !FileManager.default.fileExists(atPath: path) {
    let store = try PipelineStore(path: path, replica: "bench", clock: now)
    _ = try SamplePipeline(leadCount: leads, seed: 42, now: now(), spanDays: 365).append(to: store)
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
  // `closer add` end to end, on a copy so the generated journal stays as it was.
  let copy = "\(directory)/journal-\(leads)-add.jsonl"
  try? FileManager.default.removeItem(atPath: copy)
  try FileManager.default.copyItem(atPath: path, toPath: copy)
  var addTimes: [Double] = []
  for run_ in 0..<runs {
    let start = ContinuousClock.now
    _ = try run(closer, ["add", "Bench Lead \(run_)", "--company", "Bench", "--journal", copy])
    addTimes.append(milliseconds(since: start))
  }
  try? FileManager.default.removeItem(atPath: copy)
  print(
    "| \(leads) | \(events) | \(String(format: "%.1f", megabytes)) | \(String(format: "%.0f ms", median(openTimes))) | \(String(format: "%.0f MB", median(memory))) | \(String(format: "%.0f ms", median(addTimes))) |"
  )
}
