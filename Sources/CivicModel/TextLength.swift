extension StringProtocol {
    /// The length that text limits count: Unicode scalars (code points). `count` counts grapheme
    /// clusters, in which any number of combining marks after a letter make one character, so a
    /// limit of 200 on `count` would let a megabyte through.
    public var limitLength: Int { unicodeScalars.count }
}
