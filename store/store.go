package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the platform database. It is safe for concurrent use.
type Store struct {
	db   *gorm.DB
	sql  *sql.DB
	pool *pgxpool.Pool
	url  string
}

// Options tune the connection pool.
type Options struct {
	MaxConns int32 // 0 means 4 × GOMAXPROCS, at least 10
}

// Open connects to the PostgreSQL at url. It does not apply migrations (see package migrations).
// One pgx pool backs both GORM and database/sql, so later parts (job queues) can share it.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	} else if cfg.MaxConns < 10 {
		cfg.MaxConns = 10
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(err, "connect")
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent),
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		DisableAutomaticPing:   true, // a down database is reported by Ping and queries as ErrUnavailable, not at Open
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: gorm: %w", err)
	}
	return &Store{db: db, sql: sqlDB, pool: pool, url: url}, nil
}

// Close releases every connection.
func (s *Store) Close() error {
	err := s.sql.Close()
	s.pool.Close()
	return err
}

// SQL is the database/sql handle (migrations, metrics of the pool).
func (s *Store) SQL() *sql.DB { return s.sql }

// Pool is the pgx pool under the store.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// URL is the connection URL the store was opened with.
func (s *Store) URL() string { return s.url }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return classify(err, "ping")
	}
	return nil
}

// Actor is who makes a change, recorded in the audit log.
type Actor struct {
	UserID    int64 // 0 for the system (bootstrap, CLI without a user)
	RequestID string
}

// System is the actor for changes made by the platform itself or the command line.
var System = Actor{RequestID: "cli"}

func (a Actor) id() *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return classify(err, what)
}

// first reads the first row of model T that db's conditions (and conds, as gorm's First takes
// them) select; none is ErrNotFound.
func first[T any](db *gorm.DB, what string, conds ...any) (T, error) {
	var v T
	err := db.First(&v, conds...).Error
	return v, notFound(err, what)
}
