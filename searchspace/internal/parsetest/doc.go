// Package parsetest holds the checks that the built-in spaces' parser
// tests share: where a *searchspace.ParseError points and what it says.
package parsetest
