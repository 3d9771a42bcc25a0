//! Dependency order: a resource comes after every resource it references,
//! directly or through variables, so an engine can create them one by one.
//! Apart from that, file order is kept, which makes runs predictable.

use super::ast::{Program, ProgramError, Reference};

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
    marks: Vec<Mark>,
    path: Vec<Item>,
    out: Vec<usize>,
}

/// Resource indices in dependency order (a resource after every resource it references, in properties, get, or dependsOn); a cycle is an error naming the resources in it.
pub fn order(program: &Program) -> Result<Vec<usize>, ProgramError> {
    let size = program.resources.len() + program.variables.len();
    let mut g = Graph { program, marks: vec![Mark::New; size], path: vec![], out: vec![] };
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
            Item::Resource(i) => format!("resource {:?}", self.program.resources[i].name.value),
            Item::Variable(i) => format!("variable {:?}", self.program.variables[i].0.value),
        }
    }

    /// What a reference points at; unknown roots are validation's concern.
    fn target(&self, r: &Reference) -> Option<Item> {
        let p = self.program;
        p.resources
            .iter()
            .position(|res| res.name.value == r.root)
            .map(Item::Resource)
            .or_else(|| p.variables.iter().position(|(name, _)| name.value == r.root).map(Item::Variable))
    }

    fn visit(&mut self, item: Item) -> Result<(), ProgramError> {
        let slot = self.slot(item);
        match self.marks[slot] {
            Mark::Done => return Ok(()),
            Mark::Visiting => return Err(self.cycle(item)),
            Mark::New => {}
        }
        self.marks[slot] = Mark::Visiting;
        self.path.push(item);
        let refs = match item {
            Item::Resource(i) => self.program.resources[i].references(),
            Item::Variable(i) => self.program.variables[i].1.value.references(),
        };
        for r in refs {
            if let Some(target) = self.target(r) {
                self.visit(target)?;
            }
        }
        self.path.pop();
        self.marks[slot] = Mark::Done;
        if let Item::Resource(i) = item {
            self.out.push(i);
        }
        Ok(())
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
