// Package server adapts the Language Server Protocol to relayout's engine
// (package refactor). STUB: being written.
package server

import (
	"context"
	"errors"
	"io"

	"go.uber.org/zap"
)

// Options configures a server.
type Options struct {
	// Logger receives structured logs; nil means no logging. It must never
	// write to the LSP stream (stdout).
	Logger *zap.Logger
}

// Run serves LSP over rwc until the client sends exit or the stream ends.
func Run(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	return errors.New("not implemented")
}
