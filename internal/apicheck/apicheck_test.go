package apicheck

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExported(t *testing.T) {
	names, err := Exported(".")
	require.NoError(t, err)
	assert.Equal(t, []string{"Call", "Exported", "Panicked", "Run"}, names)
}

func TestCall(t *testing.T) {
	assert.NoError(t, Call(func() error { return nil }))
	e := errors.New("x")
	assert.Equal(t, e, Call(func() error { return e }))
	err := Call(func() error { panic("boom") })
	assert.True(t, Panicked(err))
	assert.Contains(t, err.Error(), "boom")
	assert.False(t, Panicked(e))
}

func TestRun(t *testing.T) {
	Run(t, ".", map[string]func() error{
		"Call/panics inside (ok)": func() error { _ = Call(func() error { panic(1) }); return nil },
		"Exported/missing dir":    func() error { _, err := Exported("/nonexistent"); return err },
		"Panicked/nil (ok)":       func() error { Panicked(nil); return nil },
		"Run/(ok)":                func() error { return nil },
	})
}
