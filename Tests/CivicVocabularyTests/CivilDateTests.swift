import CivicVocabulary
import Testing

@Suite("Calendar arithmetic on day counts")
struct CivilDateTests {
    @Test("Known days, and every day from year 1 to 9999 converts to its date and back")
    func roundTrip() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.days(year: 1, month: 1, day: 1) == -719_162)
        #expect(CivilDate.weekday(days: 0) == 4)  // a Thursday
        #expect(CivilDate.weekday(days: -719_162) == 1)  // 0001-01-01, a Monday
        var expected = (year: 1, month: 1, day: 1)
        for days in CivilDate.days(year: 1, month: 1, day: 1)...CivilDate.days(year: 9999, month: 12, day: 31) {
            let date = CivilDate.civil(days: days)
            guard date == expected, CivilDate.days(year: date.year, month: date.month, day: date.day) == days else {
                Issue.record("day \(days): \(date), expected \(expected)")
                return
            }
            // The next date, by the month lengths.
            if expected.day < CivilDate.daysIn(month: expected.month, year: expected.year) {
                expected.day += 1
            } else if expected.month < 12 {
                expected = (expected.year, expected.month + 1, 1)
            } else {
                expected = (expected.year + 1, 1, 1)
            }
        }
        #expect(CivilDate.daysIn(month: 2, year: 1900) == 28 && CivilDate.daysIn(month: 2, year: 2000) == 29)
    }
}
