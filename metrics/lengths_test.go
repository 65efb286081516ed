package metrics

import (
	"reflect"
	"testing"
)

func TestCountWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"How many singers do we have?", 6},
		{"What's the  average age?", 4},
		{"Name - and age", 3},
		{"  List\tall 3 stadiums\n", 4},
		{"¿Cuántos cantantes hay?", 3},
	}
	for _, tt := range tests {
		if got := CountWords(tt.text); got != tt.want {
			t.Errorf("%q: %d words, want %d", tt.text, got, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	got := Describe([]int{12, 3, 7, 5, 4, 6, 9, 5, 8, 11}, 5)
	want := Distribution{
		Count: 10, Min: 3, Max: 12, Mean: 7,
		Median:    6.5,  // between the 5th and 6th values (6, 7)
		P90:       11.1, // 9th value 11 + 0.1 × (12 − 11)
		Histogram: []Bucket{{From: 0, To: 4, Count: 2}, {From: 5, To: 9, Count: 6}, {From: 10, To: 14, Count: 2}},
	}
	if got.Count != want.Count || got.Min != want.Min || got.Max != want.Max || got.Mean != want.Mean ||
		got.Median != want.Median || !near(got.P90, want.P90) || !reflect.DeepEqual(got.Histogram, want.Histogram) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestDescribe_EdgeCases(t *testing.T) {
	t.Parallel()
	if got := Describe(nil, 5); got.Count != 0 || got.Histogram == nil || len(got.Histogram) != 0 {
		t.Errorf("empty: %+v", got)
	}
	got := Describe([]int{7}, 5)
	if got.Min != 7 || got.Max != 7 || got.Median != 7 || got.P90 != 7 || len(got.Histogram) != 1 || got.Histogram[0] != (Bucket{5, 9, 1}) {
		t.Errorf("one value: %+v", got)
	}
	// Empty buckets between min and max are kept, so charts of two sets line up.
	got = Describe([]int{1, 22}, 5)
	if len(got.Histogram) != 5 || got.Histogram[2].Count != 0 || got.Histogram[4] != (Bucket{20, 24, 1}) {
		t.Errorf("gap: %+v", got.Histogram)
	}
}

func TestMeasureLengths(t *testing.T) {
	t.Parallel()
	got := MeasureLengths([]string{"How many singers?", "List  all stadiums by capacity."})
	if got.Words.Min != 3 || got.Words.Max != 5 || got.Chars.Min != 17 || got.Chars.Max != 30 {
		t.Errorf("got %+v", got)
	}
}
