/// @file etgrad.hpp  Everything: the static engine, symbolic derivatives, the runtime tape and
/// its optimizers.
#pragma once
#include <etgrad/array.hpp>
#include <etgrad/optim.hpp>
#include <etgrad/static.hpp>
#include <etgrad/symbolic.hpp>
#include <etgrad/tape.hpp>
