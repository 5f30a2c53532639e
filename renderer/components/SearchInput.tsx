/**
 * A search box that applies the term as the user types (after a short pause) and at
 * once on Enter. The applied term lives in a store, so it survives navigation.
 */
import { TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';

const PAUSE_MS = 150;

export function SearchInput({
  value,
  onSearch,
  label,
  placeholder,
  description,
}: {
  value: string;
  onSearch(term: string): void;
  label: string;
  placeholder: string;
  description?: string;
}) {
  const [text, setText] = useState(value);
  // When the applied term changes from outside (a "Clear search" button), show it.
  const [applied, setApplied] = useState(value);
  if (value !== applied) {
    setApplied(value);
    setText(value);
  }
  useEffect(() => {
    if (text === value) return undefined;
    const timer = setTimeout(() => onSearch(text), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <TextInput
      type="search"
      aria-label={label}
      placeholder={placeholder}
      description={description}
      inputWrapperOrder={['input', 'description']}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSearch(e.currentTarget.value);
      }}
      maw={420}
    />
  );
}
