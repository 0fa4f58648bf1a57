import type { ComponentProps, ReactNode } from 'react';
import { cn } from '@/lib/cn';
import { inputClass } from './styles';

/** A label, a control and its error, wired together for screen readers. */
export function Field({ id, label, hint, error, children, className }: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-700">
        {label}
        {hint && <span className="ml-1 font-normal text-slate-400">{hint}</span>}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs text-rose-600" data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = ComponentProps<'input'> & { invalid?: boolean };
export function Input({ invalid, className, id, ...rest }: InputProps) {
  return <input id={id} className={inputClass(invalid, className)} aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-error` : undefined} {...rest} />;
}

type TextareaProps = ComponentProps<'textarea'> & { invalid?: boolean };
export function Textarea({ invalid, className, id, ...rest }: TextareaProps) {
  return <textarea id={id} className={inputClass(invalid, className)} aria-invalid={invalid || undefined} aria-describedby={invalid ? `${id}-error` : undefined} {...rest} />;
}

type SelectProps = ComponentProps<'select'>;
export function Select({ className, ...rest }: SelectProps) {
  return <select className={inputClass(false, cn('pr-8', className))} {...rest} />;
}
