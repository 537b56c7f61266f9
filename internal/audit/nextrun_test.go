package audit

import (
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextRun(t *testing.T) {
	at := func(s string, hour int) time.Time { return day(s).Add(time.Duration(hour) * time.Hour) }
	biweekly := iot.ScheduledAudit{Frequency: iot.Biweekly, DayOfWeek: "FRI", Anchor: day("2026-03-06")}
	monthly := func(d string) iot.ScheduledAudit { return iot.ScheduledAudit{Frequency: iot.Monthly, DayOfMonth: d} }
	for _, tc := range []struct {
		name  string
		audit iot.ScheduledAudit
		after time.Time
		want  string
	}{
		{"daily: next midnight", iot.ScheduledAudit{Frequency: iot.Daily}, at("2026-03-04", 5), "2026-03-05"},
		{"daily: at midnight, the next one", iot.ScheduledAudit{Frequency: iot.Daily}, day("2026-03-05"), "2026-03-06"},
		{"daily: across a year", iot.ScheduledAudit{Frequency: iot.Daily}, at("2026-12-31", 23), "2027-01-01"},
		{"weekly: later this week", iot.ScheduledAudit{Frequency: iot.Weekly, DayOfWeek: "FRI"}, at("2026-03-04", 5), "2026-03-06"},
		{"weekly: on the day, next week", iot.ScheduledAudit{Frequency: iot.Weekly, DayOfWeek: "WED"}, at("2026-03-04", 5), "2026-03-11"},
		{"weekly: sunday", iot.ScheduledAudit{Frequency: iot.Weekly, DayOfWeek: "SUN"}, at("2026-03-07", 12), "2026-03-08"},
		{"biweekly: the anchor", biweekly, at("2026-03-04", 5), "2026-03-06"},
		{"biweekly: after the anchor, two weeks on", biweekly, day("2026-03-06"), "2026-03-20"},
		{"biweekly: not the week between", biweekly, at("2026-03-13", 1), "2026-03-20"},
		{"biweekly: long after", biweekly, at("2026-04-30", 1), "2026-05-01"},
		{"biweekly: long after, on the day", biweekly, day("2026-05-01"), "2026-05-15"},
		{"monthly: later this month", monthly("15"), at("2026-03-04", 5), "2026-03-15"},
		{"monthly: next month", monthly("3"), at("2026-03-04", 5), "2026-04-03"},
		{"monthly: on the day, next month", monthly("4"), day("2026-03-04"), "2026-04-04"},
		{"monthly: LAST in February", monthly("LAST"), at("2026-02-10", 5), "2026-02-28"},
		{"monthly: LAST in a leap February", monthly("LAST"), at("2028-02-10", 5), "2028-02-29"},
		{"monthly: LAST, next month", monthly("LAST"), day("2026-02-28"), "2026-03-31"},
		{"monthly: 31 in February runs on the 28th", monthly("31"), at("2026-02-01", 0), "2026-02-28"},
		{"monthly: 31 after February's run", monthly("31"), day("2026-02-28"), "2026-03-31"},
		{"monthly: 31 in April runs on the 30th", monthly("31"), day("2026-03-31"), "2026-04-30"},
		{"monthly: 30 in a leap February", monthly("30"), at("2028-02-02", 0), "2028-02-29"},
		{"monthly: 29 in February", monthly("29"), at("2026-02-02", 0), "2026-02-28"},
		{"monthly: across a year", monthly("1"), at("2026-12-01", 1), "2027-01-01"},
		{"monthly: from the 31st", monthly("15"), at("2026-01-31", 1), "2026-02-15"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextRun(tc.audit, tc.after); !got.Equal(day(tc.want)) {
				t.Errorf("nextRun after %v = %v, want %s", tc.after, got, tc.want)
			}
		})
	}
}

func TestReschedule(t *testing.T) {
	now := day("2026-03-04").Add(5 * time.Hour) // a Wednesday
	for _, tc := range []struct {
		name  string
		audit iot.ScheduledAudit
		want  string
	}{
		{"daily", iot.ScheduledAudit{Frequency: iot.Daily}, "2026-03-05"},
		{"biweekly anchored on the first run", iot.ScheduledAudit{Frequency: iot.Biweekly, DayOfWeek: "WED"}, "2026-03-11"},
		{"monthly", iot.ScheduledAudit{Frequency: iot.Monthly, DayOfMonth: "LAST"}, "2026-03-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.audit
			reschedule(&a, now)
			if !a.NextRun.Equal(day(tc.want)) || !a.Anchor.Equal(day(tc.want)) {
				t.Errorf("next run %v, anchor %v; want both %s", a.NextRun, a.Anchor, tc.want)
			}
		})
	}
}
