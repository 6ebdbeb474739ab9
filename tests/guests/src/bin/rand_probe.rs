//! Prints facts about random values from `wasio::rand` and from the
//! `getrandom` crate (0.2 and 0.3) in one component.

use std::collections::HashSet;

fn distinct(chunks: impl Iterator<Item = Vec<u8>>) -> usize {
    chunks.collect::<HashSet<_>>().len()
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let big = wasio::rand::secure_bytes(1 << 20);
    let ones: u64 = big.iter().map(|b| u64::from(b.count_ones())).sum();
    // Half the bits set, within a wide margin (8,388,608 bits in all).
    let balanced = (4_100_000..4_290_000).contains(&ones);
    println!("secure 1 MiB len: {}, bits balanced: {balanced}", big.len());
    println!("secure distinct 16-byte draws: {}/100", distinct((0..100).map(|_| wasio::rand::secure_bytes(16))));
    let u: HashSet<u64> = (0..100).map(|_| wasio::rand::secure_u64()).collect();
    println!("secure distinct u64: {}/100", u.len());
    println!("insecure distinct 16-byte draws: {}/100", distinct((0..100).map(|_| wasio::rand::insecure_bytes(16))));
    let u: HashSet<u64> = (0..100).map(|_| wasio::rand::insecure_u64()).collect();
    println!("insecure distinct u64: {}/100", u.len());
    println!("seed stable: {}", wasio::rand::insecure_seed() == wasio::rand::insecure_seed());
    println!("empty: {}", wasio::rand::secure_bytes(0).len());

    let mut a = [0u8; 32];
    getrandom02::getrandom(&mut a).map_err(|e| e.to_string())?;
    let mut b = [0u8; 32];
    getrandom03::fill(&mut b).map_err(|e| e.to_string())?;
    let mut c = [0u8; 32];
    getrandom03::fill(&mut c).map_err(|e| e.to_string())?;
    println!("getrandom 0.2 nonzero: {}", a != [0; 32]);
    println!("getrandom 0.3 distinct: {}", b != c && b != [0; 32]);
    Ok(())
}
