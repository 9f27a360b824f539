import PipelineCore

/// The first line of a journal: what the file is and which version of the format wrote it.
public struct JournalHeader: Hashable, Sendable {
  public static let formatName = "closer-journal"
  /// Readers refuse to write to a journal of a newer major version; minor versions only
  /// add event types and fields, which older readers keep and ignore.
  public static let currentMajor = 1
  public static let currentMinor = 2

  public var major: Int
  public var minor: Int
  public var created: Timestamp
  public var replica: String

  public init(major: Int = currentMajor, minor: Int = currentMinor, created: Timestamp, replica: String) {
    self.major = major
    self.minor = minor
    self.created = created
    self.replica = replica
  }

  public var version: String { "\(major).\(minor)" }
}
