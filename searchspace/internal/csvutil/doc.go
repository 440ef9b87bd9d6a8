// Package csvutil holds what every benchmark loader of searchspace reads
// the same way: a CSV header line and a numeric metric value. Its errors are
// plain; the callers wrap them with searchspace.ErrParse and the line.
package csvutil
