/// What ties a journal line to the lines around it: the event written just before it, and,
/// on the first line of a batch, how many lines the batch has.
///
/// `after` lets `closer check` notice a line deleted, moved or copied in the middle of a
/// journal; `batch` lets readers take a batch (an import) whole or not at all, even when
/// the writer died in the middle of writing it (docs/journal-format.md).
public struct LineLinks: Equatable, Sendable {
  /// The id of the event on the line before, as the writer knew it; nil on the first event
  /// and on lines written before journals had links.
  public var after: String?
  /// On the first line of a batch: the number of lines in the batch (2 or more). 0 or 1
  /// for a line on its own.
  public var batch: Int

  public init(after: String? = nil, batch: Int = 0) {
    self.after = after
    self.batch = batch
  }
}
