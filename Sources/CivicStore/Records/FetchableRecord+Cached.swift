import GRDB

extension FetchableRecord where Self: TableRecord {
    /// The row whose `column` equals `value`, through a cached prepared statement.
    ///
    /// GRDB's `fetchOne(db, key:)` compiles its SQL on every call, with GRDB's authorizer
    /// consulted for each column read: under a load of reads that miss the document cache, that
    /// compilation was most of the time spent on the database thread.
    static func fetchOne(_ db: Database, where column: String, is value: some DatabaseValueConvertible) throws -> Self? {
        let sql = "SELECT * FROM \(databaseTableName.quotedDatabaseIdentifier) WHERE \(column.quotedDatabaseIdentifier) = ?"
        return try fetchOne(db.cachedStatement(sql: sql), arguments: [value])
    }
}
