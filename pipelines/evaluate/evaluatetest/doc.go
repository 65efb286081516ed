// Package evaluatetest is test support for evaluations and prompt optimizations: the Spider data
// imported, its verified questions accepted, a snapshot cut, and a scripted model (target, judge,
// OPRO optimizer, APO critic and editor). The product never uses it.
package evaluatetest
