package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goldset/goldset/store"
)

const userHelp = `Manage accounts.

  goldset user create EMAIL [--name NAME] [--admin] [--password-stdin]
  goldset user list [--json]
  goldset user set-password EMAIL [--password-stdin]
  goldset user token create EMAIL --name NAME [--expires-days N]
  goldset user token revoke EMAIL TOKEN_ID

Without --password-stdin a random password is generated and printed once.`

func runUser(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("user SUBCOMMAND [options]", userHelp)
	cfg := newConfig(fs, dbOptions...)
	name := fs.String("name", "", "a person's name (create) or a token's name (token create)")
	admin := fs.Bool("admin", false, "make the new user an admin (create)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	days := fs.Int("expires-days", 0, "token lifetime in days; 0 never expires (token create)")
	asJSON := fs.Bool("json", false, "print JSON")
	namesSub := func(pos []string) bool { return len(pos) > 0 }
	pos, err := parseArgsFitting(fs, args, namesSub, "name a user subcommand")
	if err != nil {
		return err
	}
	db, err := openCommandDatabase(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	st := db.store

	password := func() (string, bool, error) {
		if !*pwStdin {
			return store.NewPassword(), true, nil
		}
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("read password from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	// done prints what was done to user (line without --json), with the password when it was
	// generated: it is shown only this once.
	done := func(user any, line, pw string, generated bool) error {
		if *asJSON {
			res := map[string]any{"user": user}
			if generated {
				res["password"] = pw
			}
			return printJSON(out, res)
		}
		fmt.Fprintln(out, line)
		if generated {
			fmt.Fprintf(out, "Password: %s\n(shown only this once)\n", pw)
		}
		return nil
	}
	// userArg checks the subcommand's arguments (n of them, what) and finds the user the first names.
	userArg := func(args []string, n int, what string) (store.User, error) {
		if err := needArgs(args, n, what); err != nil {
			return store.User{}, err
		}
		u, err := st.UserByEmail(ctx, args[0])
		if err != nil {
			return u, fmt.Errorf("user %s: %w", args[0], err)
		}
		return u, nil
	}

	switch sub := pos[0]; {
	case sub == "create":
		if err := needArgs(pos[1:], 1, "EMAIL"); err != nil {
			return err
		}
		pw, generated, err := password()
		if err != nil {
			return err
		}
		u, err := st.CreateUser(ctx, store.System, store.NewUser{Email: pos[1], Name: *name, Password: pw, IsAdmin: *admin})
		if err != nil {
			return err
		}
		return done(u, fmt.Sprintf("Created user %s (id %d, admin: %v).", u.Email, u.ID, u.IsAdmin), pw, generated)

	case sub == "list":
		us, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		return printList(out, *asJSON, "users", us, "ID\tEMAIL\tNAME\tADMIN\tDISABLED\tCREATED", func(u store.User) string {
			return fmt.Sprintf("%d\t%s\t%s\t%v\t%v\t%s", u.ID, u.Email, u.Name, u.IsAdmin, u.Disabled, u.CreatedAt.Format(time.DateOnly))
		})

	case sub == "set-password":
		u, err := userArg(pos[1:], 1, "EMAIL")
		if err != nil {
			return err
		}
		pw, generated, err := password()
		if err != nil {
			return err
		}
		if _, err := st.SetPassword(ctx, store.System, u.ID, pw, store.PasswordChange{}); err != nil {
			return err
		}
		return done(u.Email, fmt.Sprintf("Set a new password for %s; their sessions were ended.", u.Email), pw, generated)

	case sub == "token" && len(pos) >= 2 && pos[1] == "create":
		u, err := userArg(pos[2:], 1, "EMAIL")
		if err != nil {
			return err
		}
		t, secret, err := st.CreateToken(ctx, store.System, u.ID, *name, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out, map[string]any{"token": t, "secret": secret})
		}
		fmt.Fprintf(out, "Created token %d (%s) for %s.\n%s\n(shown only this once; send it as 'Authorization: Bearer <token>')\n", t.ID, t.Name, u.Email, secret)
		return nil

	case sub == "token" && len(pos) >= 2 && pos[1] == "revoke":
		u, err := userArg(pos[2:], 2, "EMAIL TOKEN_ID")
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(pos[3], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: TOKEN_ID must be a number, got %q", errUsage, pos[3])
		}
		if err := st.RevokeToken(ctx, store.System, u.ID, id); err != nil {
			return fmt.Errorf("token %d of %s: %w", id, u.Email, err)
		}
		fmt.Fprintf(out, "Revoked token %d of %s.\n", id, u.Email)
		return nil
	}
	return usageErrorf(fs, "unknown user subcommand %q", strings.Join(pos, " "))
}
