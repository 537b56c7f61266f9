package audit

import (
	"strconv"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// When scheduled audits run [I]: AWS lets the service choose the time of day;
// iotdefender runs every scheduled audit at 00:00 UTC of its day. A BIWEEKLY
// audit runs on its day of the week every other week, counted from its first
// run, which is the first such day after it was created or its schedule last
// changed. A MONTHLY audit on day 29, 30 or 31 runs on the last day of the
// months that are shorter.

var weekdays = map[string]time.Weekday{
	"SUN": time.Sunday, "MON": time.Monday, "TUE": time.Tuesday, "WED": time.Wednesday,
	"THU": time.Thursday, "FRI": time.Friday, "SAT": time.Saturday,
}

// midnight is the start of t's day in UTC.
func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// nextRun is the first run of a's schedule strictly after t.
func nextRun(a iot.ScheduledAudit, t time.Time) time.Time {
	day := midnight(t).AddDate(0, 0, 1) // the first midnight after t
	switch a.Frequency {
	case iot.Weekly:
		return nextWeekday(day, weekdays[a.DayOfWeek])
	case iot.Biweekly:
		if a.Anchor.After(t) {
			return a.Anchor
		}
		days := int(day.Sub(a.Anchor).Hours() / 24)
		return a.Anchor.AddDate(0, 0, (days+13)/14*14)
	case iot.Monthly:
		if run := runDay(day.Year(), day.Month(), a.DayOfMonth); !run.Before(day) {
			return run
		}
		next := day.AddDate(0, 1, 1-day.Day()) // the first of the next month
		return runDay(next.Year(), next.Month(), a.DayOfMonth)
	default: // DAILY
		return day
	}
}

// nextWeekday is the first day from day on (inclusive) that falls on w.
func nextWeekday(day time.Time, w time.Weekday) time.Time {
	return day.AddDate(0, 0, (int(w)-int(day.Weekday())+7)%7)
}

// runDay is the day of a month a MONTHLY audit runs on.
func runDay(year int, month time.Month, dayOfMonth string) time.Time {
	last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	d, err := strconv.Atoi(dayOfMonth)
	if err != nil || d > last { // LAST, or a day the month does not have
		d = last
	}
	return time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
}

// reschedule sets a's anchor and next run for a schedule that starts at now.
func reschedule(a *iot.ScheduledAudit, now time.Time) {
	a.Anchor = time.Time{}
	if a.Frequency == iot.Biweekly {
		a.Anchor = nextWeekday(midnight(now).AddDate(0, 0, 1), weekdays[a.DayOfWeek])
	}
	a.NextRun = nextRun(*a, now)
	if a.Anchor.IsZero() {
		a.Anchor = a.NextRun
	}
}
