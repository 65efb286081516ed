package server

import "testing"

// TestBrowser_Layout runs only the layout spec (annotator-ui/e2e/layout.e2e.mjs): the main screens,
// each as the role that uses it, at 1280×800 and 1440×900, checked for controls cut off at the right,
// text below WCAG AA contrast, a sidebar that stops short of the page's bottom and toasts over table
// rows. TestBrowser_EndToEnd runs it too, with every other spec.
func TestBrowser_Layout(t *testing.T) {
	browserTests(t, fakeModelSettings(t), "1", "e2e/layout.test.mjs")
}
