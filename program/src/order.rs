//! Dependency order: a resource comes after every resource it references,
//! directly or through variables, so an engine can create them one by one.
//! Apart from that, file order is kept, which makes runs predictable.

use super::ast::{Program, ProgramError};

/// A resource or a variable, by index.
#[derive(Clone, Copy, PartialEq)]
enum Item {
    Resource(usize),
    Variable(usize),
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Visiting,
    Done,
}

struct Graph<'a> {
    program: &'a Program,
    /// Resources and variables by name, so each reference resolves in O(1).
    names: std::collections::HashMap<&'a str, Item>,
    marks: Vec<Mark>,
    path: Vec<Item>,
    out: Vec<usize>,
}

/// Resource indices in dependency order (a resource after every resource it references, in properties, get, or dependsOn); a cycle is an error naming the resources in it.
pub fn order(program: &Program) -> Result<Vec<usize>, ProgramError> {
    let size = program.resources.len() + program.variables.len();
    let mut names = std::collections::HashMap::with_capacity(size);
    // Resources win over variables of the same name, as `target` did.
    for (i, (name, _)) in program.variables.iter().enumerate().rev() {
        names.insert(name.value.as_str(), Item::Variable(i));
    }
    for (i, res) in program.resources.iter().enumerate().rev() {
        names.insert(res.name.value.as_str(), Item::Resource(i));
    }
    let mut g = Graph { program, names, marks: vec![Mark::New; size], path: vec![], out: vec![] };
    for i in 0..program.resources.len() {
        g.visit(Item::Resource(i))?;
    }
    for i in 0..program.variables.len() {
        g.visit(Item::Variable(i))?;
    }
    Ok(g.out)
}

impl Graph<'_> {
    fn slot(&self, item: Item) -> usize {
        match item {
            Item::Resource(i) => i,
            Item::Variable(i) => self.program.resources.len() + i,
        }
    }

    fn describe(&self, item: Item) -> String {
        match item {
            Item::Resource(i) => format!("resource {}", access_service_token::error::quote(&self.program.resources[i].name.value)),
            Item::Variable(i) => format!("variable {}", access_service_token::error::quote(&self.program.variables[i].0.value)),
        }
    }

    /// What an item references; unknown roots are validation's concern.
    fn targets(&self, item: Item) -> Vec<Item> {
        let refs = match item {
            Item::Resource(i) => self.program.resources[i].references(),
            Item::Variable(i) => self.program.variables[i].1.value.references(),
        };
        refs.iter().filter_map(|r| self.names.get(r.root.as_str()).copied()).collect()
    }

    /// Depth-first, with an explicit stack: a chain of tens of thousands of
    /// references must not overflow the call stack.
    fn visit(&mut self, root: Item) -> Result<(), ProgramError> {
        if self.marks[self.slot(root)] != Mark::New {
            return Ok(());
        }
        let mut stack: Vec<(Item, Vec<Item>, usize)> = Vec::new();
        self.enter(root, &mut stack);
        while let Some(top) = stack.len().checked_sub(1) {
            let (item, next) = (stack[top].0, stack[top].2);
            if let Some(&target) = stack[top].1.get(next) {
                stack[top].2 += 1;
                match self.marks[self.slot(target)] {
                    Mark::Done => {}
                    Mark::Visiting => return Err(self.cycle(target)),
                    Mark::New => self.enter(target, &mut stack),
                }
                continue;
            }
            stack.pop();
            self.path.pop();
            let slot = self.slot(item);
            self.marks[slot] = Mark::Done;
            if let Item::Resource(i) = item {
                self.out.push(i);
            }
        }
        Ok(())
    }

    fn enter(&mut self, item: Item, stack: &mut Vec<(Item, Vec<Item>, usize)>) {
        let slot = self.slot(item);
        self.marks[slot] = Mark::Visiting;
        self.path.push(item);
        stack.push((item, self.targets(item), 0));
    }

    fn cycle(&self, back_to: Item) -> ProgramError {
        let start = self.path.iter().position(|i| *i == back_to).unwrap_or(0);
        let members = &self.path[start..];
        let pos = match back_to {
            Item::Resource(i) => self.program.resources[i].name.pos,
            Item::Variable(i) => self.program.variables[i].0.pos,
        };
        let message = if members.len() == 1 {
            format!("{} references itself", self.describe(back_to))
        } else {
            let chain: Vec<String> = members.iter().chain([&back_to]).map(|i| self.describe(*i)).collect();
            format!("dependency cycle: {}", chain.join(" → "))
        };
        ProgramError::new(&self.program.source, pos, message)
    }
}
