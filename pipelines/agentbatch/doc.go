// Package agentbatch runs the SQL agent over a project's questions: batches as runs of kind "agent"
// (each answer stored as an agent candidate and routed into the annotation loop), one question
// tried by a person ("try the agent") with its steps recorded as they happen, and a batch's
// accuracy against verified gold SQL by execution match.
package agentbatch
