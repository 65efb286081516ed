package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// stream answers with Server-Sent Events: poll is called every interval and sends what changed;
// it returns done=true after its last event. The stream also ends when the client goes away.
// Polling the database (not an in-process channel) lets any process's work be watched.
func stream(c echo.Context, interval time.Duration, poll func(send func(event string, data any) error) (done bool, err error)) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // proxies must not buffer the stream
	c.Response().WriteHeader(http.StatusOK)
	send := func(event string, data any) error {
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(c.Response(), "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		c.Response().Flush()
		return nil
	}
	ctx := c.Request().Context()
	keepalive := time.NewTicker(15 * time.Second)
	defer keepalive.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		done, err := poll(send)
		if err != nil {
			_ = send("error", map[string]string{"message": toAPIError(err).Message})
			return nil
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-keepalive.C:
			if _, err := fmt.Fprint(c.Response(), ": keep-alive\n\n"); err != nil {
				return nil
			}
			c.Response().Flush()
		case <-tick.C:
		}
	}
}
