// GNU readline (GPL-3): linked only by the nn executable, never by NNScript.
#pragma once
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
