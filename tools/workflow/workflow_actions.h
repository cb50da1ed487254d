// What each `endure workflow` command does, given its flags. Each returns the process's exit
// code and prints its own errors, naming the flag or the server's reason.
#pragma once

#include "tools/workflow/workflow_flags.h"

namespace endure::tools {

// workflow_actions.cc: commands that change workflows.
int RunStart(const WorkflowFlags& f);
int RunExecute(const WorkflowFlags& f);  // Start, then wait for the result.
int RunSignal(const WorkflowFlags& f);
int RunQuery(const WorkflowFlags& f);
int RunUpdate(const WorkflowFlags& f);
int RunCancel(const WorkflowFlags& f);
int RunTerminate(const WorkflowFlags& f);

// workflow_views.cc: commands that read them.
int RunDescribe(const WorkflowFlags& f);
int RunList(const WorkflowFlags& f);
int RunCount(const WorkflowFlags& f);
int RunShow(const WorkflowFlags& f);
int RunResult(const WorkflowFlags& f);

// workflow_import.cc.
int RunImport(const WorkflowFlags& f);

// Shared by the two files: prints "endure: <message>" and returns the exit code for it.
int Fail(const Status& status);
// Waits for the run to close (following continue-as-new) and prints its outcome; the exit code
// is 0 only for a completed run.
int WaitAndPrintResult(Connection& c, const WorkflowFlags& f, const std::string& workflow_id,
                       const std::string& run_id);

}  // namespace endure::tools
